"""French catalog for the Pipeline movement page (merged into ui.i18n.FR).

Strings the page shares with other sales pages (Won, Lost, Owner, Stage, Open pipeline…) come from their
catalogs; tests/test_page_movement.py checks that every string of the page has a French entry.
"""

FR: dict[str, str] = {
    # page
    "What changed between two weekly exports: deals won, lost, added, dropped, advanced, moved back or slipped, "
    "and how the open pipeline went from one total to the other.":
        "Ce qui a changé entre deux exports hebdomadaires : affaires gagnées, perdues, ajoutées, retirées, avancées, "
        "reculées ou glissées, et comment le pipeline ouvert est passé d'un total à l'autre.",
    "Pipeline movement compares two snapshots: import at least two weekly exports of your deals (one file per "
    "week, dated by its file name or the snapshot date on the Import page).":
        "Les mouvements du pipeline comparent deux instantanés : importez au moins deux exports hebdomadaires de vos "
        "affaires (un fichier par semaine, daté par son nom ou par la date d'instantané de la page Importer).",
    "From snapshot": "Instantané de départ",
    "To snapshot": "Instantané d'arrivée",
    "Pick a 'from' snapshot older than the 'to' snapshot.":
        "Choisissez un instantané de départ antérieur à l'instantané d'arrivée.",
    "Open on {date}": "Ouvert au {date}",
    "From {start} to {end}": "Du {start} au {end}",
    "{n} deals": "{n} affaires",
    "Open pipeline + new − won − lost − dropped ± changes of the deals open in both = open pipeline. The axis "
    "starts near the lowest level, not at zero. Click a bar to list its deals.":
        "Pipeline ouvert + nouvelles − gagnées − perdues − retirées ± variations des affaires ouvertes aux deux dates "
        "= pipeline ouvert. L'axe commence près du niveau le plus bas, pas à zéro. Cliquez sur une barre pour voir "
        "ses affaires.",
    # buckets
    "New": "Nouvelles",
    "Dropped": "Retirées",
    "Advanced": "Avancées",
    "Moved back": "Reculées",
    "Slipped": "Glissées",
    "Amount changed": "Montant modifié",
    "Unchanged": "Inchangées",
    "Deals won by the second snapshot. Amount: their open value at the first snapshot.":
        "Affaires gagnées au second instantané. Montant : leur valeur ouverte au premier instantané.",
    "Deals lost by the second snapshot. Amount: their open value at the first snapshot.":
        "Affaires perdues au second instantané. Montant : leur valeur ouverte au premier instantané.",
    "Open deals not in the first snapshot (created, imported or reopened since). Amount: value now.":
        "Affaires ouvertes absentes du premier instantané (créées, importées ou rouvertes depuis). Montant : valeur "
        "actuelle.",
    "Open deals absent from the second export (deleted or moved out of it).":
        "Affaires ouvertes absentes du second export (supprimées ou sorties de l'export).",
    "Open in both, now at a later stage. Amount: net change of their value.":
        "Ouvertes aux deux dates, à une étape plus avancée. Montant : variation nette de leur valeur.",
    "Open in both, now at an earlier stage. Amount: net change of their value.":
        "Ouvertes aux deux dates, revenues à une étape antérieure. Montant : variation nette de leur valeur.",
    "Same stage, expected close date pushed later. Amount: net change of their value.":
        "Même étape, date de clôture prévue repoussée. Montant : variation nette de leur valeur.",
    "Same stage and close date, amount changed. Amount: net change of their value.":
        "Même étape et même date de clôture, montant modifié. Montant : variation nette de leur valeur.",
    "Same stage, close date not later, same amount.":
        "Même étape, date de clôture non repoussée, même montant.",
    # deals behind a bucket
    "Deals behind a bucket": "Affaires d'une catégorie",
    "Bucket": "Catégorie",
    "No deal in this bucket.": "Aucune affaire dans cette catégorie.",
    "Deal id": "Identifiant",
    "Deal": "Affaire",
    "Stage on {date}": "Étape au {date}",
    "Close date before": "Date de clôture avant",
    "Close date after": "Date de clôture après",
    "Days pushed": "Jours de report",
    "Amount before": "Montant avant",
    "Amount after": "Montant après",
    "Open value before ({currency})": "Valeur ouverte avant ({currency})",
    "Value after ({currency})": "Valeur après ({currency})",
    "Change to open pipeline": "Variation du pipeline ouvert",
    # slipped close dates
    "Slipped close dates": "Dates de clôture repoussées",
    "Open deals on {date} whose expected close date was pushed later from one snapshot to the next.":
        "Affaires ouvertes au {date} dont la date de clôture prévue a été repoussée d'un instantané au suivant.",
    "No close date was pushed.": "Aucune date de clôture n'a été repoussée.",
    "Amount": "Montant",
    "Close date": "Date de clôture",
    "First close date": "Première date de clôture",
    "Pushes": "Reports",
    "Snapshots": "Instantanés",
    "Close dates pushed, by owner": "Dates de clôture repoussées, par commercial",
    "Deals pushed": "Affaires repoussées",
    "Push rate": "Taux de report",
    "Days per push": "Jours par report",
    "Push rate = share of the owner's open deals whose close date was pushed at least once.":
        "Taux de report = part des affaires ouvertes du commercial dont la date de clôture a été repoussée au moins "
        "une fois.",
    "{pushed} of {total} deals · {pushes} pushes": "{pushed} affaires sur {total} · {pushes} reports",
    # trend
    "Pipeline at each snapshot": "Pipeline à chaque instantané",
    "New pipeline": "Nouveau pipeline",
    "{measure} by stage at each snapshot": "{measure} par étape à chaque instantané",
    "New pipeline = deals of the “new” bucket since the previous snapshot. Snapshots are compared at their dates: "
    "what happens in between is seen only in the next export, and stage entry dates inferred from snapshots "
    "(exports without 'Date entered' columns or a stage history) have the precision of the interval between "
    "snapshots: {days} days here.":
        "Nouveau pipeline = affaires de la catégorie « nouvelles » depuis l'instantané précédent. Les instantanés "
        "sont comparés à leurs dates : ce qui se passe entre deux n'apparaît que dans l'export suivant, et les dates "
        "d'entrée en étape déduites des instantanés (exports sans colonnes « Date entered » ni historique des "
        "étapes) ont la précision de l'intervalle entre instantanés : {days} jours ici.",
    # why deals moved (reasons)
    "Why deals moved": "Pourquoi les affaires ont bougé",
    "For the deals in both snapshots (including those won or lost since). A deal can have several reasons, so these "
    "counts do not add up to the buckets above. Click a bar to list its deals.":
        "Pour les affaires présentes dans les deux instantanés (y compris celles gagnées ou perdues depuis). Une "
        "affaire peut avoir plusieurs raisons : ces nombres ne s'additionnent donc pas aux catégories ci-dessus. "
        "Cliquez sur une barre pour voir ses affaires.",
    "Pulled in": "Clôture avancée",
    "Pushed out": "Clôture repoussée",
    "Amount up": "Montant en hausse",
    "Amount down": "Montant en baisse",
    "Owner changed": "Changement de propriétaire",
    "Forecast category changed": "Catégorie de prévision modifiée",
    "Skipped stages": "Étapes sautées",
    "Expected close date moved earlier (for a deal won or lost since: it closed before its expected date). Amount: "
    "net change of their value.":
        "Date de clôture prévue avancée (pour une affaire gagnée ou perdue depuis : clôturée avant la date prévue). "
        "Montant : variation nette de leur valeur.",
    "Expected close date moved later. Amount: net change of their value.":
        "Date de clôture prévue repoussée. Montant : variation nette de leur valeur.",
    "Value went up. Amount: the sum of the increases.": "Valeur en hausse. Montant : la somme des hausses.",
    "Value went down. Amount: the sum of the decreases.": "Valeur en baisse. Montant : la somme des baisses.",
    "Another owner now. Amount: net change of their value.":
        "Un autre propriétaire désormais. Montant : variation nette de leur valeur.",
    "Another forecast category now. Amount: net change of their value.":
        "Une autre catégorie de prévision désormais. Montant : variation nette de leur valeur.",
    "Open in both and moved up more than one stage of the configured order. Amount: net change of their value.":
        "Ouverte aux deux dates et avancée de plus d'une étape dans l'ordre configuré. Montant : variation nette de "
        "leur valeur.",
    "No deal has this reason.": "Aucune affaire n'a cette raison.",
    "Owner before": "Propriétaire avant",
    "Stages skipped": "Étapes sautées",
    "Days moved": "Jours de décalage",
    "Forecast category before": "Catégorie de prévision avant",
    "Forecast category after": "Catégorie de prévision après",
    "Value before ({currency})": "Valeur avant ({currency})",
    "Amount change": "Variation du montant",
}
