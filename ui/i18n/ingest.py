"""French catalog for the importer's warnings (codes in analytics.ingest.import_log.WARNING_TEXTS, merged into
ui.i18n.FR); tests/test_reasons.py checks that every warning code has its French."""

FR: dict[str, str] = {
    "{n} rows have a status that is not open/won/lost; their stage decides.":
        "{n} lignes ont un statut qui n'est ni ouvert, ni gagné, ni perdu : leur étape décide.",
    "{n} deals have a blank amount (counted, but left out of value totals).":
        "{n} affaires n'ont pas de montant (comptées, mais hors des totaux en valeur).",
    "{n} deals have a blank created date (counted, but left out of cohort and cycle metrics).":
        "{n} affaires n'ont pas de date de création (comptées, mais hors des cohortes et du cycle de vente).",
    "No amount column: value totals are not available (map one with --map amount=COLUMN).":
        "Pas de colonne de montant : les totaux en valeur ne sont pas disponibles (associez-en une dans la "
        "correspondance des colonnes).",
    "{n} rows have no deal id: a key was made from the deal name and created date, so renaming a deal will look "
    "like a new deal.":
        "{n} lignes n'ont pas d'identifiant d'affaire : une clé a été faite du nom et de la date de création, donc "
        "renommer une affaire la fera paraître nouvelle.",
    "{n} rows repeat a deal id already listed later in the file; the last row of each deal was kept (earlier "
    "rows: {rows}).":
        "{n} lignes répètent un identifiant d'affaire présent plus loin dans le fichier ; la dernière ligne de "
        "chaque affaire a été gardée (lignes précédentes : {rows}).",
    "Identifier columns dropped, never stored: {columns}.":
        "Colonnes d'identification écartées, jamais enregistrées : {columns}.",
    "eNPS asked on a 1–10 scale: classed like 0–10, but not comparable with 0–10 benchmarks.":
        "eNPS demandé sur une échelle de 1 à 10 : classé comme sur 0–10, mais pas comparable aux références 0–10.",
    "{n} history rows record other fields ({fields}) and were not used.":
        "{n} lignes d'historique concernent d'autres champs ({fields}) et n'ont pas été utilisées.",
    "{n} history rows belong to deals with no stage change in the file: their stage is unknown, so they were not "
    "used.":
        "{n} lignes d'historique concernent des affaires sans changement d'étape dans le fichier : leur étape est "
        "inconnue, elles n'ont pas été utilisées.",
}
