"""French catalog for the forecast calls (ui/calls_section.py; codes of analytics.store.calls.CALL_TEXTS,
analytics.sales.teams.TEAM_TEXTS and analytics.ingest.calls.FILE_TEXTS), merged into ui.i18n.FR."""

FR: dict[str, str] = {
    # Forecast page: the section
    "Forecast calls": "Engagements de prévision",
    "Each owner, and each manager for a team, calls a commit and a best case per period. Every submission is kept; "
    "the latest one counts. The model's forecast is beside each call.":
        "Chaque commercial, et chaque manager pour son équipe, annonce un engagement et un meilleur cas par période. "
        "Chaque saisie est conservée ; la plus récente compte. La prévision du modèle figure à côté de chaque "
        "annonce.",
    "Enter a call": "Saisir une annonce",
    "Call by": "Annonce de",
    "Owner or team": "Commercial ou équipe",
    "Team (manager's call)": "Équipe (annonce du manager)",
    "Choose or type a name": "Choisissez ou saisissez un nom",
    "A month (2026-12) or a quarter (2026-Q4).": "Un mois (format AAAA-MM, p. ex. 2026-12) ou un trimestre "
                                                  "(format AAAA-QN, p. ex. 2026-Q4 pour le 4e trimestre).",
    "Best case": "Meilleur cas",
    "What you are confident to win in the period.": "Ce que vous êtes sûr de gagner sur la période.",
    "What you could win if the likely upside comes in (at least the commit).":
        "Ce que vous pourriez gagner si le potentiel probable se réalise (au moins l'engagement).",
    "Submit the call": "Envoyer l'annonce",
    "Call saved for {name}, {period}.": "Annonce enregistrée pour {name}, {period}.",
    # roll-up
    "No owner has deals or a call for {period}.": "Aucun commercial n'a d'affaire ni d'annonce pour {period}.",
    "No call this week (from {week}) from: {names}.": "Pas d'annonce cette semaine (depuis le {week}) de : {names}.",
    "Team {team}": "Équipe {team}",
    "Not submitted": "Non envoyée",
    "Submitted on": "Envoyée le",
    "Owners' commits": "Engagements des commerciaux",
    "Owners' best cases": "Meilleurs cas des commerciaux",
    "Model forecast": "Prévision du modèle",
    "This week": "Cette semaine",
    "Teams come from the owner → team table in Settings.":
        "Les équipes viennent de la table commercial → équipe des Paramètres.",
    "Teams come from the deals' column “{attribute}” (each owner in the team most of their deals carry); an owner → "
    "team table in Settings takes precedence.":
        "Les équipes viennent de la colonne « {attribute} » des affaires (chaque commercial dans l'équipe de la "
        "plupart de ses affaires) ; une table commercial → équipe dans les Paramètres est prioritaire.",
    "No team yet: enter an owner → team table in Settings, or import deals with a team column.":
        "Pas encore d'équipe : saisissez une table commercial → équipe dans les Paramètres, ou importez des "
        "affaires avec une colonne d'équipe.",
    "Model forecast = won + expected from open deals of the owner, as of {day}.":
        "Prévision du modèle = gagné + attendu des affaires ouvertes du commercial, au {day}.",
    "No deal snapshot for the model.": "Aucun instantané d'affaires pour le modèle.",
    "The period is over: Won is what the deals closed in it brought.":
        "La période est terminée : Gagné est ce qu'ont rapporté les affaires conclues pendant celle-ci.",
    # accuracy
    "Call accuracy": "Justesse des annonces",
    "Call accuracy appears once a period that was called is over.":
        "La justesse des annonces apparaît dès qu'une période annoncée est terminée.",
    "Call error (call − won)": "Écart de l'annonce (annonce − gagné)",
    "Call absolute % error": "Écart absolu de l'annonce (%)",
    "Model error (model − won)": "Écart du modèle (modèle − gagné)",
    "Model absolute % error": "Écart absolu du modèle (%)",
    "Per owner, over the periods that are over: the call is the commit of the latest submission before the period "
    "ended; the model is the forecast as of the snapshot before that submission. Absolute % error = |call − won| ÷ "
    "won, undefined (left out) when nothing was won.":
        "Par commercial, sur les périodes terminées : l'annonce est l'engagement de la dernière saisie avant la fin "
        "de la période ; le modèle est la prévision à la date de l'instantané précédant cette saisie. Écart absolu "
        "(%) = |annonce − gagné| ÷ gagné, non défini (écarté) quand rien n'a été gagné.",
    # import and history
    "Import calls from a file": "Importer des annonces depuis un fichier",
    "CSV or Excel with the columns owner (or team), period, commit, best case and date, in English or French; `;` "
    "and decimal commas are read.":
        "CSV ou Excel avec les colonnes commercial (ou équipe), période, engagement, meilleur cas et date, en "
        "français ou en anglais ; le `;` et la virgule décimale sont lus.",
    "Calls file": "Fichier d'annonces",
    "Import the calls": "Importer les annonces",
    "The file was not imported: {reason}": "Le fichier n'a pas été importé : {reason}",
    "{n} calls imported, {skipped} already there, {rejected} rows rejected.":
        "{n} annonces importées, {skipped} déjà présentes, {rejected} lignes rejetées.",
    "Every submission": "Toutes les saisies",
    "Level": "Niveau",
    "Week of": "Semaine du",
    "Source": "Source",
    # refusals (analytics.store.calls.CALL_TEXTS, analytics.ingest.calls.FILE_TEXTS)
    "A call is an owner's or a team's (got {level}).": "Une annonce est celle d'un commercial ou d'une équipe "
                                                       "(reçu {level}).",
    "Give the owner or the team of the call.": "Indiquez le commercial ou l'équipe de l'annonce.",
    "The period must look like 2026-12 or 2026-Q4 (got {period}).":
        "La période doit s'écrire AAAA-MM ou AAAA-QN, comme 2026-12 ou 2026-Q4 (reçu {period}).",
    "The {field} must be a number.": "{field} doit être un nombre.",
    "The commit must be 0 or more (got {commit}).": "L'engagement doit être positif ou nul (reçu {commit}).",
    "The best case ({best_case}) must be at least the commit ({commit}).":
        "Le meilleur cas ({best_case}) doit être au moins égal à l'engagement ({commit}).",
    "The {field} must be below {maximum}.": "{field} doit être inférieur à {maximum}.",
    "The submission date is missing or is not a date.": "La date de saisie manque ou n'est pas une date.",
    "commit": "L'engagement",
    "best case": "Le meilleur cas",
    "{reason}": "{reason}",
    "{file}: no {columns} column. A calls file has the columns owner (or team), period, commit, best case and "
    "date.":
        "{file} : pas de colonne {columns}. Un fichier d'annonces a les colonnes commercial (ou équipe), période, "
        "engagement, meilleur cas et date.",
    "{file}: no row could be imported ({rejected} rejected); nothing was stored.":
        "{file} : aucune ligne n'a pu être importée ({rejected} rejetées) ; rien n'a été enregistré.",
    # Settings page: sales teams
    "Sales teams": "Équipes commerciales",
    "Forecast calls roll up by team. Enter each owner's team and its manager here; while this table is empty, teams "
    "come from a deal column.":
        "Les annonces se consolident par équipe. Saisissez ici l'équipe de chaque commercial et son manager ; tant "
        "que cette table est vide, les équipes viennent d'une colonne des affaires.",
    "Save teams": "Enregistrer les équipes",
    "Teams saved.": "Équipes enregistrées.",
    "Row {row}: give both the owner and the team.": "Ligne {row} : indiquez le commercial et l'équipe.",
    "{owner} appears twice: an owner belongs to one team.":
        "{owner} apparaît deux fois : un commercial appartient à une seule équipe.",
    "Team column of the deals": "Colonne d'équipe des affaires",
    "The deal column forecast calls roll up by when Settings holds no team table (e.g. Sales team); empty = the "
    "first column whose name looks like a team.":
        "La colonne des affaires par laquelle les annonces se consolident quand les Paramètres n'ont pas de table "
        "d'équipes (par ex. Sales team) ; vide = la première colonne dont le nom ressemble à une équipe.",
    "Automatic": "Automatique",
    "Save the team column": "Enregistrer la colonne d'équipe",
}
