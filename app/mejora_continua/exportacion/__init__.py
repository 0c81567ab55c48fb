"""Workbooks of the continuous-improvement parts: the programme and matrix, and the AMC plan."""
