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
    "Nothing dates this export (no --as-of, no date in the file name, no last-modified column): it is taken as "
    "of today, {date}, so every open deal is judged as of today. Give the export's date with --as-of or in the "
    "file name.":
        "Rien ne date cet export (ni --as-of, ni date dans le nom du fichier, ni colonne de dernière modification) : "
        "il est pris à la date d'aujourd'hui, {date}, et chaque affaire ouverte est jugée à cette date. Indiquez la "
        "date de l'export (champ « Date de l'instantané », ou dans le nom du fichier).",
    "Nothing dates this export (no date in the file name, no last-modified column): it is taken as of today, {date}, "
    "so every open deal is judged as of today. Give the export's date in the Snapshot date field or in the file "
    "name.":
        "Rien ne date cet export (ni date dans le nom du fichier, ni colonne de dernière modification) : il est pris "
        "à la date d'aujourd'hui, le {date}, et chaque affaire ouverte est jugée à cette date. Indiquez la date de "
        "l'export dans le champ « Date de l'instantané » ou dans le nom du fichier.",
    "No {field} column; {columns} could be one: choose it under Column mapping.":
        "Pas de colonne « {field} » ; {columns} pourrait convenir : choisissez-la dans la correspondance des colonnes.",
    "No amount column: value totals are not available (choose one under Column mapping).":
        "Pas de colonne de montant : les totaux en valeur ne sont pas disponibles (choisissez-en une dans la "
        "correspondance des colonnes).",
    "No {field} column; {columns} could be one: {option}.":
        "Pas de colonne « {field} » ; {columns} pourrait convenir : {option}.",
    "The sample data (a fictional company) was removed: your data is not mixed with it.":
        "Les données d'exemple (une entreprise fictive) ont été retirées : vos données ne s'y mélangent pas.",
    # the import plan (analytics.ingest.plan): topics
    "File contains": "Le fichier contient",
    "Encoding": "Encodage",
    "Separator": "Séparateur",
    "Header row": "Ligne d'en-tête",
    "Sheet": "Feuille",
    "Column for {subject}": "Colonne pour {subject}",
    "No column for {subject}": "Aucune colonne pour {subject}",
    "Columns not used": "Colonnes non utilisées",
    "Deal status": "Statut des affaires",
    "Deal identity": "Identité des affaires",
    "Snapshot date": "Date de l'instantané",
    "Dates in {subject}": "Dates de {subject}",
    "Probabilities": "Probabilités",
    "Stage order of {subject}": "Ordre des étapes de {subject}",
    "eNPS question": "Question eNPS",
    "eNPS scale": "Échelle eNPS",
    "Groups (breakdowns)": "Groupes (ventilations)",
    "Respondent identifiers": "Identifiants des répondants",
    # the import plan: evidence
    "chosen by you": "votre choix",
    "its column headers": "ses en-têtes de colonnes",
    "{n} columns hold answers on a scale, although no header names a survey":
        "{n} colonnes contiennent des réponses sur une échelle, bien qu'aucun en-tête ne nomme une enquête",
    "read from the file's bytes": "lu dans le contenu du fichier",
    "{n} title rows above the header were skipped": "{n} lignes de titre au-dessus de l'en-tête ont été ignorées",
    "the first row holds the headers": "la première ligne contient les en-têtes",
    "the first sheet with data": "la première feuille qui contient des données",
    "your choice for files with these columns, remembered":
        "votre choix pour les fichiers qui ont ces colonnes, mémorisé",
    "a header {crm} exports use for it": "un en-tête que les exports {crm} utilisent pour cela",
    "a known header, after its prefix": "un en-tête connu, après son préfixe",
    "the header contains a word that names it": "l'en-tête contient un mot qui le désigne",
    "the header is spelled almost like a known one": "l'en-tête s'écrit presque comme un en-tête connu",
    "'Date entered' columns give when deals entered {n} stages":
        "des colonnes « Date d'entrée » donnent quand les affaires sont entrées dans {n} étapes",
    "kept as deal attributes for filters and breakdowns: {columns}":
        "gardées comme attributs des affaires pour les filtres et ventilations : {columns}",
    "not imported: {columns}": "non importées : {columns}",
    "{columns} could be one: {option}": "{columns} pourrait convenir : {option}",
    "no column looks like one": "aucune colonne ne semble convenir",
    "{column} holds status words ({values})": "{column} contient des mots de statut ({values})",
    "won and closed flags: {won} and {closed}": "indicateurs gagné et clos : {won} et {closed}",
    "{column} was not used: its values are not open/won/lost ({values})":
        "{column} n'a pas été utilisée : ses valeurs ne sont pas ouvert/gagné/perdu ({values})",
    "{column} says open, won or lost on {known} of its {n} rows, and something else on the others ({values}): use "
    "it where it says so (the stage decides the others), or use the stage alone?":
        "{column} indique ouvert, gagné ou perdu sur {known} de ses {n} lignes, et autre chose sur les autres "
        "({values}) : l'utiliser là où elle l'indique (l'étape décide pour les autres), ou n'utiliser que l'étape ?",
    "{column} was not used: it contradicts the stage on {n} rows (e.g. {example})":
        "{column} n'a pas été utilisée : elle contredit l'étape sur {n} lignes (par ex. {example})",
    "the stage (won and lost stages of each pipeline)": "l'étape (étapes gagnées et perdues de chaque pipeline)",
    "the record id in {column}": "l'identifiant de l'enregistrement dans {column}",
    "no id column: deal name and created date; renaming a deal will look like a new deal":
        "pas de colonne d'identifiant : nom et date de création de l'affaire ; renommer une affaire la fera paraître "
        "nouvelle",
    "no id column nor created date: deal name; renaming a deal will look like a new deal":
        "ni identifiant ni date de création : le nom de l'affaire ; renommer une affaire la fera paraître nouvelle",
    "{n} rows could not be told apart by name and created date: each row is a deal of this snapshot, numbered in "
    "file order, and cannot be followed across weeks":
        "{n} lignes ne se distinguent pas par leur nom et leur date de création : chaque ligne est une affaire de "
        "cet instantané, numérotée dans l'ordre du fichier, et ne peut pas être suivie d'une semaine à l'autre",
    "the date in the file name": "la date dans le nom du fichier",
    "the latest '{column}' in the file": "la plus récente « {column} » du fichier",
    "the report's title: '{column}'": "le titre du rapport : « {column} »",
    "nothing in the file dates it, so the day it is imported": "rien dans le fichier ne le date, donc le jour de "
                                                                "son import",
    "nothing in the file dates it, so today: every open deal is judged as of today":
        "rien dans le fichier ne le date, donc aujourd'hui : chaque affaire ouverte est jugée à cette date",
    "written year first (2026-11-20)": "écrites année d'abord (2026-11-20)",
    "values such as {example} can only be read this way": "des valeurs comme {example} ne se lisent que de cette façon",
    "{column}, in the same file, can only be read this way":
        "{column}, dans le même fichier, ne se lit que de cette façon",
    "no value shows whether the day or the month comes first (e.g. {example})":
        "aucune valeur ne montre si le jour ou le mois vient en premier (par ex. {example})",
    "values carry a % sign": "les valeurs portent un signe %",
    "some values carry a % sign, others do not and are 1 or less (e.g. {example}): percent too?":
        "certaines valeurs portent un signe %, d'autres non et valent 1 ou moins (par ex. {example}) : en pourcentage "
        "aussi ?",
    "values go above 1 (largest {top})": "des valeurs dépassent 1 (la plus grande : {top})",
    "every value is between 0 and 1 (e.g. {example})": "toutes les valeurs sont entre 0 et 1 (par ex. {example})",
    "the only values are 0 and 1: 1 % or 100 %?": "les seules valeurs sont 0 et 1 : 1 % ou 100 % ?",
    "your order": "votre ordre",
    "already configured": "déjà configuré",
    "the default stages of {template}, limited to the stages seen":
        "les étapes par défaut de {template}, limitées aux étapes présentes",
    "the stage history of {pairs} deal moves": "l'historique des étapes de {pairs} passages d'affaires",
    "deals moving between stages in {pairs} cases across earlier snapshots":
        "des affaires passant d'une étape à l'autre dans {pairs} cas entre instantanés précédents",
    "the dates deals entered each stage": "les dates d'entrée des affaires dans chaque étape",
    "the probabilities exported with each stage": "les probabilités exportées avec chaque étape",
    "only weak signals (where the names stand in known CRMs, which stages hold complete deals, the order stages "
    "first appear in the file)":
        "seulement des indices faibles (la place des noms dans les CRM connus, les étapes aux affaires complètes, "
        "l'ordre d'apparition des étapes dans le fichier)",
    "one open stage: nothing to order": "une seule étape ouverte : rien à ordonner",
    "{n} new stages placed among the configured ones": "{n} nouvelles étapes placées parmi celles configurées",
    "{column} asks it, answered up to {top}": "{column} la pose, avec des réponses jusqu'à {top}",
    "{column} asks it, but its {n} answers are all 5 or below: is it 0–10 or a 1–5 question?":
        "{column} la pose, mais ses {n} réponses sont toutes de 5 ou moins : échelle 0–10 ou question 1–5 ?",
    "{column} mentions recommending, but its {n} answers are all 1–5: scored as a 1–5 question":
        "{column} parle de recommander, mais ses {n} réponses sont toutes entre 1 et 5 : traitée comme une "
        "question 1–5",
    "the question's wording": "la formulation de la question",
    "an answer 0 was seen": "une réponse 0 a été vue",
    "{n} answers, none below 1": "{n} réponses, aucune sous 1",
    "the standard scale": "l'échelle standard",
    "values repeat across respondents: {columns}": "les valeurs se répètent d'un répondant à l'autre : {columns}",
    "dropped, never stored: {columns}": "écartés, jamais enregistrés : {columns}",
    # the Import page's plan and questions
    "What was guessed, and why": "Ce qui a été deviné, et pourquoi",
    # what reading the file noticed (analytics.ingest.table.NOTE_TEXTS) and the words it carries
    "Read as CSV: {encoding} text separated by {delimiter}.": "Lu comme CSV : texte {encoding} séparé par des "
                                                              "{delimiter}.",
    "{n} row(s) have more cells than the header (first: row {row}).":
        "{n} ligne(s) ont plus de cellules que l'en-tête (première : ligne {row}).",
    "Skipped {n} row(s) above the header, which is on row {row}.":
        "{n} ligne(s) au-dessus de l'en-tête ignorée(s) ; l'en-tête est à la ligne {row}.",
    "Ignored {n} row(s) below the data.": "{n} ligne(s) sous les données ignorée(s).",
    "Ignored {n} row(s) below the data (starting with \"{example}\").":
        "{n} ligne(s) sous les données ignorée(s) (commençant par « {example} »).",
    "Skipped {n} blank row(s) inside the data.": "{n} ligne(s) vide(s) dans les données ignorée(s).",
    "Skipped {n} row(s) repeating the header (a report's groups or pages).":
        "{n} ligne(s) répétant l'en-tête ignorée(s) (groupes ou pages d'un rapport).",
    "Dropped {n} empty column(s) without a heading.": "{n} colonne(s) vide(s) sans en-tête retirée(s).",
    "Renamed repeated column heading(s): {columns}.": "En-tête(s) de colonne répété(s) renommé(s) : {columns}.",
    "First sheet with data": "Première feuille avec des données",
    "{n} rejected rows are deals of earlier exports ({ids}): this full export leaves them out, so they count as "
    "dropped from its date. Fix those rows, delete this import and import the file again.":
        "{n} lignes rejetées sont des affaires d'exports précédents ({ids}) : cet export complet les laisse de côté, "
        "elles comptent donc comme sorties à sa date. Corrigez ces lignes, supprimez cet import et importez le "
        "fichier à nouveau.",
    "the number each stage's name starts with": "le numéro par lequel commence le nom de chaque étape",
    "{column} is answered 0–10 (up to {top}) though no header names the eNPS question: is it?":
        "{column} est notée de 0 à 10 (jusqu'à {top}) sans qu'aucun en-tête ne nomme la question eNPS : est-ce elle ?",
    "Amounts in": "Montants en",
    "the header '{column}' names the unit": "l'en-tête « {column} » nomme l'unité",
    "Units, as written": "Unités, tels qu'écrits",
    "Thousands (12.5 is 12,500)": "Milliers (12,5 vaut 12 500)",
    "Millions (1.2 is 1,200,000)": "Millions (1,2 vaut 1 200 000)",
    "Every amount is multiplied by it: thousands when the file writes 12.5 for 12,500.":
        "Chaque montant est multiplié par elle : milliers quand le fichier écrit 12,5 pour 12 500.",
    "Read sheet \"{sheet}\" ({n} sheet(s) in the workbook).":
        "Feuille « {sheet} » lue ({n} feuille(s) dans le classeur).",
    "Sheet(s) {sheets} hold no data rows; read the first sheet with data.":
        "La ou les feuilles {sheets} n'ont aucune ligne de données ; lecture de la première feuille avec des données.",
    "the first sheet with data; {sheets} hold data too and were not read":
        "la première feuille avec des données ; {sheets} en contiennent aussi et n'ont pas été lues",
    "Only the sheet \"{sheet}\" was read; {sheets} hold data too: import each with --sheet NAME.":
        "Seule la feuille « {sheet} » a été lue ; {sheets} contiennent aussi des données : importez chacune avec "
        "--sheet NOM.",
    "Only the sheet \"{sheet}\" was read; {sheets} hold data too: choose each under Sheet and import it.":
        "Seule la feuille « {sheet} » a été lue ; {sheets} contiennent aussi des données : choisissez chacune sous "
        "Feuille et importez-la.",
    "UTF-8 with BOM": "UTF-8 avec BOM",
    "commas": "virgules",
    "semicolons": "points-virgules",
    "tabs": "tabulations",
    "pipes (|)": "barres verticales (|)",
    "{label}: {value}": "{label} : {value}",
    "One guess would change the numbers: answer it before importing.":
        "Une supposition changerait les chiffres : répondez-y avant d'importer.",
    "{n} guesses would change the numbers: answer them before importing.":
        "{n} suppositions changeraient les chiffres : répondez-y avant d'importer.",
    "Day first (03/04/2026 is 3 April 2026)": "Jour d'abord (03/04/2026 est le 3 avril 2026)",
    "Month first (03/04/2026 is March 4, 2026)": "Mois d'abord (03/04/2026 est le 4 mars 2026)",
    "Percent (1 means 1 %)": "Pourcentage (1 signifie 1 %)",
    "Use {column} where it says open, won or lost": "Utiliser {column} là où elle indique ouvert, gagné ou perdu",
    "Use the stage alone": "N'utiliser que l'étape",
    "Fraction (1 means 100 %)": "Fraction (1 signifie 100 %)",
    "An eNPS question (0–10)": "Une question eNPS (0–10)",
    "Another question, on its own scale": "Une autre question, sur sa propre échelle",
    "Not a question: leave it out": "Pas une question : la laisser de côté",
    "Your answer": "Votre réponse",
    "Open stages in order, first to last, separated by >":
        "Étapes ouvertes dans l'ordre, de la première à la dernière, séparées par >",
    "Use this order": "Utiliser cet ordre",
    "What": "Quoi",
    "Choice": "Choix",
    "Why": "Pourquoi",
    "How sure": "Certitude",
    "Sure": "Sûr",
    "Likely": "Probable",
    "Guess": "Supposition",
    "The date of the export. Leave it empty to let the file date itself: a date in its name, else its latest "
    "change; the plan below says which.":
        "La date de l'export. Laissez vide pour que le fichier se date lui-même : une date dans son nom, sinon sa "
        "dernière modification ; le plan ci-dessous indique laquelle.",
    "deal id": "identifiant d'affaire",
    "deal name": "nom de l'affaire",
    "pipeline": "pipeline",
    "stage": "étape",
    "status": "statut",
    "amount": "montant",
    "currency": "devise",
    "owner": "propriétaire",
    "creation date": "date de création",
    "close date": "date de clôture",
    "probability": "probabilité",
    "forecast category": "catégorie de prévision",
    "loss reason": "motif de perte",
    "stage entry dates": "dates d'entrée dans les étapes",
    "manager": "manager",
    "employee": "collaborateur",
    "meeting date": "date de l'entretien",
    "duration": "durée",
    "wave": "vague",
    "response date": "date de réponse",
    # the Import page's mapping fields and history (issue 17)
    "Loss reason": "Motif de perte",
    "Previous stage": "Étape précédente",
    "Changed on": "Modifiée le",
    "Event": "Événement",
    "Partial": "Partiel",
    "Imported on": "Importé le",
    # how a column's dates are written (ui.reasons.DATE_DETAIL_LABELS)
    "year first (2026-11-20)": "année d'abord (2026-11-20)",
    "day first (dd/mm/yyyy)": "jour d'abord (jj/mm/aaaa)",
    "month first (m/d/yyyy)": "mois d'abord (m/j/aaaa)",
    "mixed day first and month first": "jour d'abord et mois d'abord mélangés",
    "ambiguous, day first assumed": "ambigu, jour d'abord supposé",
    "ambiguous, month first assumed": "ambigu, mois d'abord supposé",
    "month names": "noms de mois",
    "Excel serial numbers": "numéros de série Excel",
    "year, month, day without separators (20261120)": "année, mois, jour sans séparateur (20261120)",
    "dates": "dates",
    "no dates": "aucune date",
    # rejected rows (analytics.ingest.validation.REJECT_TEXTS), their field words (ui.reasons.REJECT_FIELD_LABELS)
    "this row has more cells than the header": "cette ligne a plus de cellules que l'en-tête",
    "no stage": "pas d'étape",
    "no opportunity id": "pas d'identifiant d'opportunité",
    "no change date": "pas de date de modification",
    "stage change without a new value": "changement d'étape sans nouvelle valeur",
    "no answer in this row": "aucune réponse sur cette ligne",
    "no manager": "pas de manager",
    "no employee": "pas de collaborateur",
    "no meeting date": "pas de date d'entretien",
    "{field} {cell} is not a number": "{field} {cell} n'est pas un nombre",
    "{field} {cell} is negative": "{field} {cell} est négatif",
    "{field} {cell} is too large (at most {limit})": "{field} {cell} est trop grand (au plus {limit})",
    "{field} {cell} is not between 0 and 100 %": "{field} {cell} n'est pas entre 0 et 100 %",
    "{field} {cell} is not a date": "{field} {cell} n'est pas une date",
    "{field} {cell} is before 1900 or after 2100": "{field} {cell} est avant 1900 ou après 2100",
    "deal id {cell} is repeated on a later row, which was kept":
        "identifiant d'affaire {cell} répété sur une ligne plus loin, qui a été gardée",
    "eNPS answer {cell} is not a whole number {low}–10": "réponse eNPS {cell} : pas un nombre entier de {low} à 10",
    "answer to {question} {cell} is not {low}–{high}": "réponse à {question} {cell} : pas entre {low} et {high}",
    "duration {cell} is not a number of minutes": "durée {cell} : pas un nombre de minutes",
    "headcount {cell} is not a whole number of people from 0":
        "effectif {cell} : pas un nombre entier de personnes à partir de 0",
    "this group and wave are already on an earlier row": "ce groupe et cette vague sont déjà sur une ligne "
                                                         "précédente",
    "created date": "date de création",
    "change date": "date de modification",
}
