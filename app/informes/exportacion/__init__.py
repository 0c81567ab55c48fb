"""Files the report module gives to anyone: the open data of a published semester
(`datos_abiertos`). The report's own workbook of tables is `app/informes/excel.py`."""
