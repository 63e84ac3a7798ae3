"""French catalog for the sales pages, the Import and Settings pages (merged into ui.i18n.FR)."""

FR: dict[str, str] = {
    # Import page
    "Upload the weekly CRM export (CSV or Excel, HubSpot, Salesforce, Pipedrive or your own sheet), a survey "
    "export or a 1:1 meeting log. Check the preview, then import.":
        "Déposez l'export hebdomadaire de votre CRM (CSV ou Excel, HubSpot, Salesforce, Pipedrive ou votre propre "
        "tableau), un export d'enquête ou un journal d'entretiens individuels. Vérifiez l'aperçu, puis importez.",
    "Files": "Fichiers",
    "File contains": "Le fichier contient",
    "Detect automatically": "Détection automatique",
    "Deals (CRM export)": "Affaires (export CRM)",
    "Survey responses": "Réponses à une enquête",
    "1:1 meeting log": "Journal des entretiens individuels",
    "Snapshot date": "Date de l'instantané",
    "The date of the export. Taken from the file name when it has one.":
        "La date de l'export. Reprise du nom du fichier quand il en contient une.",
    "Partial export": "Export partiel",
    "Tick it when the file holds only some deals (those changed this week, say): its deals are added or updated "
    "and none is taken as gone. Unticked, the file is the whole pipeline: a deal missing from it counts as dropped.":
        "À cocher quand le fichier ne contient qu'une partie des affaires (celles modifiées cette semaine, par "
        "exemple) : ses affaires sont ajoutées ou mises à jour et aucune n'est considérée comme retirée. Non coché, le "
        "fichier est le pipeline entier : une affaire absente compte comme retirée.",
    "Sheet": "Feuille",
    "Column mapping": "Correspondance des colonnes",
    "Kind": "Type",
    "Rows to import": "Lignes à importer",
    "Rejected rows": "Lignes rejetées",
    "Source: {source}": "Source : {source}",
    "as-of": "date saisie",
    "file name": "nom du fichier",
    "import day": "jour de l'import",
    "data": "données du fichier",
    "title": "titre du rapport",
    "Encoding": "Encodage",
    "Separator": "Séparateur",
    "Header row": "Ligne d'en-tête",
    "Dates in": "Dates de",
    "**{n} rows will not be imported.** The first ones:": "**{n} lignes ne seront pas importées.** Les premières :",
    "Download all rejected rows (CSV)": "Télécharger toutes les lignes rejetées (CSV)",
    "Identifier columns dropped, never stored: {cols}":
        "Colonnes d'identification retirées, jamais enregistrées : {cols}",
    "Import {name}": "Importer {name}",
    "Importing {name}…": "Import de {name}…",
    "Storing {n} rows in one transaction…": "Enregistrement de {n} lignes en une seule transaction…",
    "{name}: already imported (same content), nothing changed.":
        "{name} : déjà importé (contenu identique), rien n'a changé.",
    "{name}: imported {n} rows, {r} rejected.": "{name} : {n} lignes importées, {r} rejetées.",
    "Import history": "Historique des imports",
    "Nothing imported yet.": "Rien n'a encore été importé.",
    "Delete an import (removes exactly its rows)": "Supprimer un import (retire exactement ses lignes)",
    "Delete": "Supprimer",
    "Import #{id} deleted.": "Import n° {id} supprimé.",
    "Templates": "Modèles",
    "Deals template (Excel)": "Modèle d'affaires (Excel)",
    "Survey template (Excel)": "Modèle d'enquête (Excel)",
    "Import id": "N° d'import",
    "File name": "Nom du fichier",
    "Snapshot on": "Date de l'instantané",
    "Rows imported": "Lignes importées",
    "Rows rejected": "Lignes rejetées",
    "Is partial": "Partiel",
    "Is sample": "Exemple",
    "Imported at": "Importé le",
    # Settings page
    "Changes are saved in the database and every page uses them at once.":
        "Les modifications sont enregistrées dans la base et s'appliquent aussitôt à toutes les pages.",
    "Stages per pipeline": "Étapes par pipeline",
    "Import a deals export first: its stages appear here.":
        "Importez d'abord un export d'affaires : ses étapes apparaîtront ici.",
    "Rows are in stage order; change the Order column to reorder them. Probability: the chance, in %, that a deal "
    "at this stage is won (0 to 100); the weighted pipeline and the forecast use it.":
        "Les lignes suivent l'ordre des étapes ; modifiez la colonne Ordre pour les réordonner. Probabilité : la "
        "chance, en %, qu'une affaire à cette étape soit gagnée (de 0 à 100) ; le pipeline pondéré et la prévision "
        "l'utilisent.",
    "Order": "Ordre",
    "Change the numbers to reorder the stages.": "Modifiez les numéros pour réordonner les étapes.",
    "Stage": "Étape",
    "Probability": "Probabilité",
    "Probability (%)": "Probabilité (%)",
    "The chance that a deal at this stage is won, from 0 to 100 %.":
        "La chance qu'une affaire à cette étape soit gagnée, de 0 à 100 %.",
    "Outcome": "Issue",
    "Open: deals at this stage are in progress. Won or lost: deals at this stage are closed.":
        "Ouverte : les affaires à cette étape sont en cours. Gagnée ou perdue : les affaires à cette étape sont "
        "closes.",
    "Open (deal in progress)": "Ouverte (affaire en cours)",
    "Won (deal closed and won)": "Gagnée (affaire close et gagnée)",
    "Lost (deal closed and lost)": "Perdue (affaire close et perdue)",
    "Week": "Semaine",
    "Month": "Mois",
    "Quarter": "Trimestre",
    "Allowed: a whole number from {minimum} to {maximum}.": "Valeurs permises : un nombre entier de {minimum} à "
                                                             "{maximum}.",
    "Allowed: a number from {minimum} to {maximum}.": "Valeurs permises : un nombre de {minimum} à {maximum}.",
    "The comment threshold was raised to {n}, the anonymity threshold: a group too small for its numbers to be "
    "shown is too small for its comments.":
        "Le seuil des commentaires a été relevé à {n}, le seuil d'anonymat : un groupe trop petit pour que ses "
        "chiffres soient affichés l'est aussi pour ses commentaires.",
    "The currency code used in your exports, e.g. USD.": "Le code de devise utilisé dans vos exports, par ex. USD.",
    "Units of the reporting currency for one unit of this currency (a positive number).":
        "Unités de la devise de restitution pour une unité de cette devise (un nombre positif).",
    "The rate {value} has no currency code.": "Le taux {value} n'a pas de code de devise.",
    "The currency {currency} appears twice: each currency has one rate.":
        "La devise {currency} apparaît deux fois : chaque devise a un seul taux.",
    "Save stages": "Enregistrer les étapes",
    "Stages saved.": "Étapes enregistrées.",
    "Thresholds": "Seuils",
    "Save thresholds": "Enregistrer les seuils",
    "Settings saved.": "Paramètres enregistrés.",
    "Currency": "Devise",
    "Reporting currency (ISO code, e.g. EUR)": "Devise de restitution (code ISO, par ex. EUR)",
    "Rates: how many units of the reporting currency one unit of each currency is worth.":
        "Taux : combien d'unités de la devise de restitution vaut une unité de chaque devise.",
    "Rate": "Taux",
    "Save currency and rates": "Enregistrer la devise et les taux",
    "Currency saved.": "Devise enregistrée.",
    # ui/grids.py: a cell of a Settings grid or a decimal setting that is not a number (nothing saved)
    "{column}: \u201c{value}\u201d is not a number (for example {example}). Nothing was saved.":
        "{column} : « {value} » n'est pas un nombre (par exemple {example}). Rien n'a été enregistré.",
    "Row {row}, column {column}: \u201c{value}\u201d is not a number (for example {example}). Nothing was saved.":
        "Ligne {row}, colonne {column} : « {value} » n'est pas un nombre (par exemple {example}). Rien n'a été "
        "enregistré.",
    "Row {row} ({name}), column {column}: \u201c{value}\u201d is not a number (for example {example}). Nothing was "
    "saved.":
        "Ligne {row} ({name}), colonne {column} : « {value} » n'est pas un nombre (par exemple {example}). Rien n'a "
        "été enregistré.",
    # settings (analytics.store.settings.SETTINGS: label, help; REFUSALS: what a refused value says)
    "Deal stale after (days)": "Affaire dormante après (jours)",
    "Anonymity threshold (responses)": "Seuil d'anonymat (réponses)",
    "Comment threshold (responses)": "Seuil des commentaires (réponses)",
    "Survey wave period": "Période des vagues d'enquête",
    "1:1 cadence (days)": "Fréquence des entretiens individuels (jours)",
    "Unusual amount factor (× the owner's median)": "Facteur de montant atypique (× la médiane du commercial)",
    "Closed deals needed per win driver": "Affaires closes requises par facteur de succès",
    "An open deal with no change of stage or amount for this many days is stale: it is listed under Pipeline "
    "hygiene and flagged on the Priorities page.":
        "Une affaire ouverte sans changement d'étape ni de montant depuis ce nombre de jours est dormante : elle "
        "figure dans l'hygiène du pipeline et est signalée sur la page Priorités.",
    "Survey groups with fewer answered responses than this are never shown on the Engagement and Pulse survey pages "
    "(never below 3).":
        "Les groupes ayant moins de réponses que ce seuil ne sont jamais affichés sur les pages Engagement et "
        "Enquête pulse (jamais moins de 3).",
    "Free-text comments are shown only for groups with at least this many responses (never below the "
    "anonymity threshold).":
        "Les commentaires libres ne sont affichés que pour les groupes ayant au moins ce nombre de réponses "
        "(jamais moins que le seuil d'anonymat).",
    "When a survey has no wave column, responses are grouped into waves by this period of their date.":
        "Quand une enquête n'a pas de colonne de vague, les réponses sont regroupées en vagues selon cette "
        "période de leur date.",
    "An employee whose last 1:1 is older than this many days is overdue on the 1:1 meetings page.":
        "Un collaborateur dont le dernier entretien individuel date de plus de ce nombre de jours est en retard "
        "sur la page Entretiens individuels.",
    "Currency every amount is converted to, using the rates in Settings; empty = no conversion (totals shown "
    "per currency).":
        "Devise dans laquelle tous les montants sont convertis, avec les taux des Paramètres ; vide = aucune "
        "conversion (totaux par devise).",
    "An amount more than this many times above or below the owner's median is flagged under Pipeline hygiene as "
    "far outside the owner's usual range.":
        "Un montant plus de ce nombre de fois au-dessus ou au-dessous de la médiane du commercial est signalé "
        "comme atypique dans l'hygiène du pipeline.",
    "{label}: enter a whole number from {minimum} to {maximum} (you entered {value}).":
        "{label} : saisissez un nombre entier de {minimum} à {maximum} (vous avez saisi {value}).",
    "{label}: enter a number from {minimum} to {maximum} (you entered {value}).":
        "{label} : saisissez un nombre de {minimum} à {maximum} (vous avez saisi {value}).",
    "{label}: choose one of {choices} (you entered {value}).":
        "{label} : choisissez parmi {choices} (vous avez saisi {value}).",
    "Unknown setting {name}.": "Paramètre inconnu : {name}.",
    "Stage {stage}: enter a probability from 0 to 100 % (you entered {value}).":
        "Étape {stage} : saisissez une probabilité de 0 à 100 % (vous avez saisi {value}).",
    "Stage {stage}: choose its outcome (open, won or lost).":
        "Étape {stage} : choisissez son issue (ouverte, gagnée ou perdue).",
    "Stage {stage} appears twice: each stage may appear only once.":
        "L'étape {stage} apparaît deux fois : chaque étape ne peut figurer qu'une fois.",
    "The rate for {currency} must be a positive number below {maximum} (you entered {value}).":
        "Le taux de {currency} doit être un nombre positif inférieur à {maximum} (vous avez saisi {value}).",
    # Filters
    "Filters": "Filtres",
    "Owner": "Commercial",
    "All pipelines": "Tous les pipelines",
    "All owners": "Tous les commerciaux",
    "Period": "Période",
    "Deals created in the period for the funnel; closed in the period for win rate, average deal and cycle. "
    "Empty = all time.":
        "Affaires créées dans la période pour l'entonnoir ; conclues dans la période pour le taux de "
        "transformation, l'affaire moyenne et le cycle. Vide = depuis le début.",
    "More filters": "Autres filtres",
    "All": "Tous",
    # Pipeline page
    "Where the deals are, how they convert, how fast they move, and which ones need attention.":
        "Où en sont les affaires, comment elles se transforment, à quelle vitesse elles avancent et lesquelles "
        "demandent de l'attention.",
    "No deals yet: import a CRM export on the Import page.":
        "Aucune affaire pour l'instant : importez un export CRM depuis la page Importer.",
    "Sum of the amounts of deals whose current status is open.":
        "Somme des montants des affaires actuellement ouvertes.",
    "Sum over open deals of amount × win probability (exported, else the stage's configured one).":
        "Somme, sur les affaires ouvertes, du montant × probabilité de gain (celle de l'export, sinon celle "
        "de l'étape).",
    "Won ÷ (won + lost) for deals closed in the period, by count.":
        "Gagnées ÷ (gagnées + perdues) pour les affaires conclues dans la période, en nombre.",
    "Mean amount of the deals won in the period.": "Montant moyen des affaires gagnées dans la période.",
    "Median days from created to closed for deals won in the period.":
        "Nombre médian de jours entre création et conclusion des affaires gagnées dans la période.",
    "Open deals × win rate × average won deal ÷ mean sales cycle: revenue the pipeline makes per day.":
        "Affaires ouvertes × taux de gain × panier moyen ÷ cycle de vente moyen : le chiffre "
        "d'affaires produit par le pipeline chaque jour.",
    "Open pipeline": "Pipeline ouvert",
    "Weighted pipeline": "Prévision pondérée",
    "Win rate": "Taux de gain",
    "Average won deal": "Panier moyen",
    "Sales cycle": "Cycle de vente",
    "Velocity per day": "Vélocité par jour",
    "{n} deals.": "{n} affaires.",
    "{n} days": "{n} jours",
    "Changes since the snapshot of {date}.": "Évolution depuis l'instantané du {date}.",
    "None of the {n} open deals has an amount, so the open pipeline's value is unknown (—). If the export has "
    "another amount column, map it on the Import page.":
        "Aucune des {n} affaires ouvertes n'a de montant : la valeur du pipeline ouvert est inconnue (—). Si "
        "l'export a une autre colonne de montant, associez-la sur la page Importer.",
    "{n} deals have no amount: they are counted, but left out of the amounts.":
        "{n} affaires n'ont pas de montant : elles sont comptées, mais pas dans les montants.",
    "{n} deals in another currency are left out of the amounts: set a reporting currency and rates in Settings.":
        "{n} affaires dans une autre devise sont exclues des montants : définissez une devise de restitution et "
        "des taux dans les Paramètres.",
    "Funnel": "Entonnoir",
    "Show": "Afficher",
    "Count": "Nombre",
    "Value": "Valeur",
    "Strict funnel": "Entonnoir strict",
    "Strict: a deal counts at a stage only if it passed every earlier stage in order (known entry dates). "
    "Otherwise skipped stages count as passed.":
        "Strict : une affaire ne compte à une étape que si elle est passée par toutes les étapes précédentes, dans "
        "l'ordre (dates d'entrée connues). Sinon, les étapes sautées comptent comme franchies.",
    "No deal created in this period.": "Aucune affaire créée dans cette période.",
    "Cohort: deals created in the period. A stage counts every deal that reached it or a later one.":
        "Cohorte : affaires créées dans la période. Une étape compte toutes les affaires qui l'ont atteinte, "
        "elle ou une étape ultérieure.",
    "Stage velocity": "Vélocité par étape",
    "No stage entry dates yet: they come from 'Date entered' columns or from weekly snapshots.":
        "Pas encore de dates d'entrée dans les étapes : elles viennent des colonnes « Date d'entrée » ou des "
        "instantanés hebdomadaires.",
    "Some entry dates are inferred from weekly snapshots: their precision is the interval between snapshots.":
        "Certaines dates d'entrée sont déduites des instantanés hebdomadaires : leur précision est l'intervalle "
        "entre deux instantanés.",
    "Age in current stage (open deals)": "Ancienneté dans l'étape actuelle (affaires ouvertes)",
    "No open deal.": "Aucune affaire ouverte.",
    "Owner leaderboard": "Classement des commerciaux",
    "Open deals": "Affaires ouvertes",
    "Won": "Gagnées",
    "Lost": "Perdues",
    "Cycle (median days)": "Cycle (jours, médiane)",
    "Pipeline hygiene": "Hygiène du pipeline",
    "Stale": "Dormantes",
    "Past due": "Date de clôture dépassée",
    "Missing amount or close date": "Montant ou date de clôture manquant",
    "Unusual amount": "Montant atypique",
    "Nothing to fix here.": "Rien à corriger ici.",
    "Stage probability: configured vs historical (calibration)":
        "Probabilité par étape : paramétrée ou historique (calibrage)",
    "No closed deal yet.": "Aucune affaire conclue pour l'instant.",
    "Historical probability of a stage = won deals that reached it ÷ closed deals that reached it.":
        "Probabilité historique d'une étape = affaires gagnées qui l'ont atteinte ÷ affaires conclues qui l'ont "
        "atteinte.",
    "CSV": "CSV",
    "Entered stage on": "Entrée dans l'étape le",
    "Date inferred from snapshots": "Date déduite des instantanés",
    "Last change": "Dernier changement",
    "Days without change": "Jours sans changement",
    "Days past due": "Jours de retard",
    "Amount (reporting currency)": "Montant (devise de restitution)",
    "Owner's median": "Médiane du commercial",
    "× median": "× la médiane",
    "Reason": "Motif",
    # hygiene reasons (ui.reasons.REASON_LABELS, from the codes of analytics.sales.inventory.hygiene)
    "No change of stage or amount for {days} days (since {date}).":
        "Aucun changement d'étape ni de montant depuis {days} jours (depuis le {date}).",
    "Expected to close on {close_on}, before the snapshot of {snapshot_on}.":
        "Clôture prévue le {close_on}, avant l'instantané du {snapshot_on}.",
    "No amount.": "Sans montant.",
    "No close date.": "Sans date de clôture.",
    "No amount and no close date.": "Sans montant ni date de clôture.",
    "Amount {ratio} times the median of {owner}'s open deals ({median}).":
        "Montant {ratio} fois la médiane des affaires ouvertes de {owner} ({median}).",
    "Amount only {share} of the median of {owner}'s open deals ({median}).":
        "Montant de seulement {share} de la médiane des affaires ouvertes de {owner} ({median}).",
    "Weekly pipeline review (Excel)": "Revue hebdomadaire du pipeline (Excel)",
    "KPIs, funnel, movement, forecast and hygiene lists, one sheet each, for the filters chosen in the sidebar.":
        "Indicateurs, entonnoir, mouvements, prévision et listes d'hygiène, une feuille chacun, pour les filtres "
        "choisis dans la barre latérale.",
    "Excel": "Excel",
    # Sales charts
    "Funnel by value": "Entonnoir en valeur",
    "Funnel by number of deals": "Entonnoir en nombre d'affaires",
    "to next": "vers la suivante",
    "Days in stage": "Jours passés dans l'étape",
    "days in stage": "jours dans l'étape",
    "days": "jours",
    "Open pipeline by stage and close month": "Pipeline ouvert par étape et mois de clôture prévu",
    "expected close month": "mois de clôture prévu",
    "no date": "sans date",
    "Owners": "Commerciaux",
    "open pipeline": "pipeline ouvert",
    "won in period": "gagné dans la période",
    "Stage probability: configured vs historical": "Probabilité par étape : paramétrée ou historique",
    "configured": "paramétrée",
    "historical": "historique",
    "Deals": "Affaires",
    "Survey": "Enquête",
    "1:1 log": "Entretiens",
    "History": "Historique",
    "Stage history (Salesforce)": "Historique des étapes (Salesforce)",
    "Row": "Ligne",
    "Deal id": "N° d'affaire",
    "Name": "Nom",
    "Status": "Statut",
    "Amount": "Montant",
    "Created": "Créée le",
    "Close date": "Date de clôture",
    "Forecast category": "Catégorie de prévision",
    "Response date": "Date de réponse",
    "eNPS answer": "Réponse eNPS",
    "eNPS scale": "Échelle eNPS",
    "Manager": "Manager",
    "Employee": "Collaborateur",
    "Meeting date": "Date de l'entretien",
    "Duration (min)": "Durée (min)",
    # long lists and import progress (bench/, issue 9)
    "The first {n} of {total} rows; the downloads hold them all.":
        "Les {n} premières lignes sur {total} ; les téléchargements les contiennent toutes.",
    "Reading the file…": "Lecture du fichier…",
    "Checking {n} rows…": "Vérification de {n} lignes…",
    "Updating the current state of {n} deals…": "Mise à jour de l'état actuel de {n} affaires…",
    "Done.": "Terminé.",
    "The funnel follows deals from their creation date, and none of the {n} deals of this pipeline has one. Map a "
    "creation date column on the Import page (the import names the columns that could be one).":
        "L'entonnoir suit les affaires depuis leur date de création, et aucune des {n} affaires de ce pipeline n'en "
        "a. Associez une colonne de date de création sur la page Importer (l'import indique les colonnes qui "
        "pourraient convenir).",
    # loss reasons (Pipeline page)
    "Loss reasons": "Motifs de perte",
    "(no reason given)": "(aucun motif indiqué)",
    "No deal lost in this period.": "Aucune affaire perdue sur cette période.",
    "Lost deals": "Affaires perdues",
    "Lost value": "Valeur perdue",
    "Share of lost deals": "Part des affaires perdues",
    "Share of lost value": "Part de la valeur perdue",
    "Most often lost at": "Étape de perte la plus fréquente",
    "Deals lost there": "Affaires perdues à cette étape",
    "Quarter of the close date": "Trimestre de la date de clôture",
    "Lost deals by reason, per quarter": "Affaires perdues par motif, par trimestre",
    "Lost deals closed in the period, by the reason the export gives. Stage lost at = the deal's last open stage: "
    "its current stage when the export keeps it, else the last 'Date entered' or stage-history date, else the last "
    "snapshot that showed it open (weekly precision).":
        "Affaires perdues clôturées sur la période, par le motif indiqué dans l'export. Étape de perte = la dernière "
        "étape ouverte de l'affaire : son étape actuelle quand l'export la conserve, sinon la dernière date "
        "« Date entered » ou d'historique des étapes, sinon le dernier instantané qui la montrait ouverte "
        "(précision hebdomadaire).",
    # the Pipeline page's download headers (issue 17)
    "Deals that reached the stage": "Affaires ayant atteint l'étape",
    "Amount that reached the stage": "Montant ayant atteint l'étape",
    "Conversion to next stage": "Conversion vers l'étape suivante",
    "Conversion from the first stage": "Conversion depuis la première étape",
    "Stays in the stage": "Passages dans l'étape",
    "First quartile (days)": "Premier quartile (jours)",
    "Median (days)": "Médiane (jours)",
    "Third quartile (days)": "Troisième quartile (jours)",
    "Lower whisker (days)": "Moustache basse (jours)",
    "Upper whisker (days)": "Moustache haute (jours)",
    "Close month": "Mois de clôture",
    "Configured probability": "Probabilité configurée",
    "Historical probability": "Probabilité historique",
    "Closed deals that reached it": "Affaires closes l'ayant atteinte",
    "Won deals that reached it": "Affaires gagnées l'ayant atteinte",
    "Open deals with a known amount": "Affaires ouvertes au montant connu",
}
