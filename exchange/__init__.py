"""File formats in and out: reading spreadsheets, recognising headers and labels, building import
plans; writing XLSX exports.

Pure Python below the GraphQL layers: it imports nothing above ``graph/`` (graph records and
``graph/names.py``'s folding only) and never talks to Neo4j. The way in:

    sources   open a workbook (XLSX, XLSM, XLS, ODS; python-calamine) or a CSV file; rows one by one
    headers   find the header row(s) and say which column holds what, by kind of sheet
    values    read cells: text, dates, decimal commas, coordinates, intensities, lists
    vocabulary  type labels, kinds, action fields, quarters, folded for lookup
    mapping   a YAML/JSON mapping file (or arguments) that overrides any of the above
    reading   read(file) → ParsedFile: records (model) with their row errors (messages)
    matching  rows against each other and against existing actors (rapidfuzz, blocked)
    plan      build(parsed, existing actors, existing cooperations) → ImportPlan; review(plan, decisions)

and out: ``writing`` (XLSX for offices; its records read back equal). CSV for German Excel and
Gephi stays with the other network formats in ``analysis/formats.py``. Every message a person
sees is in ``messages`` (German and English).
"""
