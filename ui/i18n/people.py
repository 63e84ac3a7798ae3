"""French catalog for the people pages (merged into ui.i18n.FR): engagement, pulse survey, 1:1 meetings."""

FR: dict[str, str] = {
    # shared by the people pages
    "Filters": "Filtres",
    "Everyone": "Tout le monde",
    "Department": "Service",
    "Team": "Équipe",
    "Manager": "Manager",
    "Location": "Site",
    "Tenure": "Ancienneté",
    "(not given)": "(non renseigné)",
    "fewer than {k} responses": "moins de {k} réponses",
    "hidden to protect a smaller group": "masqué pour protéger un groupe plus petit",
    "Wave": "Vague",
    "All waves": "Toutes les vagues",
    "undated": "sans date",
    "Trend": "Évolution",
    "Group by": "Regrouper par",
    "Question": "Question",
    "Responses": "Réponses",
    "{n} responses": "{n} réponses",
    "Note": "Remarque",
    "Scale": "Échelle",
    "Download CSV": "Télécharger en CSV",
    "Download Excel": "Télécharger en Excel",
    "This survey has no grouping column (department, team, location…).":
        "Cette enquête ne comporte aucune colonne de regroupement (service, équipe, site…).",
    # engagement (eNPS)
    "How likely employees are to recommend the company as a place to work, wave by wave: eNPS, its margin of "
    "error, the groups behind it and what people wrote.":
        "Dans quelle mesure les collaborateurs recommanderaient l'entreprise comme employeur, vague par vague : "
        "l'eNPS, sa marge d'erreur, le détail par groupe et les commentaires.",
    "No survey imported yet. Import a survey export on the Import page.":
        "Aucune enquête importée pour l'instant. Importez un export d'enquête depuis la page Importer.",
    "Headcount of the selection": "Effectif de la sélection",
    "How many employees were invited in the selected group; gives the response rate. 0 = not given.":
        "Nombre de collaborateurs invités dans le groupe sélectionné ; permet de calculer le taux de réponse. "
        "0 = non renseigné.",
    "No eNPS answers for this selection.": "Aucune réponse eNPS pour cette sélection.",
    "Results are hidden for this selection: compared with other views, they would single out a group of fewer "
    "than {k} people. Widen or change the filters.":
        "Résultats masqués pour cette sélection : comparés à d'autres vues, ils isoleraient un groupe de moins de "
        "{k} personnes. Élargissez ou modifiez les filtres.",
    "Wave {wave}: results hidden for this selection, since compared with other views they would single out a "
    "group of fewer than {k} people.":
        "Vague {wave} : résultats masqués pour cette sélection, car comparés à d'autres vues ils isoleraient un "
        "groupe de moins de {k} personnes.",
    "Fewer than {k} responses in every wave for this selection: results are hidden to protect anonymity. "
    "Widen the filters.":
        "Moins de {k} réponses dans chaque vague pour cette sélection : les résultats sont masqués pour préserver "
        "l'anonymat. Élargissez les filtres.",
    "Wave {wave}: fewer than {k} responses for this selection, so its results are hidden.":
        "Vague {wave} : moins de {k} réponses pour cette sélection, ses résultats sont donc masqués.",
    "eNPS, wave {wave}": "eNPS, vague {wave}",
    "Percentage of promoters (9–10) minus percentage of detractors (0–6), from −100 to +100; ± is the 95 % "
    "margin of error, corrected for the headcount when you enter one.":
        "Pourcentage de promoteurs (9–10) moins pourcentage de détracteurs (0–6), de −100 à +100 ; ± indique la "
        "marge d'erreur à 95 %, corrigée de l'effectif lorsque vous le saisissez.",
    "People who answered the eNPS question in this wave (blank answers are not counted).":
        "Personnes ayant répondu à la question eNPS lors de cette vague (les réponses vides ne sont pas comptées).",
    "Change from the previous wave shown; “significant” when a two-sample z-test at 95 % says the change is "
    "larger than sampling noise, “within noise” otherwise.":
        "Écart avec la vague précédente affichée ; « significatif » lorsqu'un test z de comparaison de deux "
        "échantillons au seuil de 95 % indique que l'écart dépasse les fluctuations d'échantillonnage, "
        "« non significatif » sinon.",
    "Change vs previous wave": "Évolution vs vague précédente",
    "Change vs {wave}": "Évolution vs {wave}",
    "significant": "significatif",
    "within noise": "non significatif",
    "Response rate": "Taux de réponse",
    "Response rate (%)": "Taux de réponse (%)",
    "Responses divided by the headcount you entered for this selection.":
        "Nombre de réponses divisé par l'effectif saisi pour cette sélection.",
    "eNPS per wave": "eNPS par vague",
    "eNPS by wave": "eNPS par vague",
    "Upper bound": "Borne haute",
    "95 % margin of error": "Marge d'erreur à 95 %",
    "Margin of error (95 %)": "Marge d'erreur (95 %)",
    "Promoters, passives and detractors": "Promoteurs, passifs et détracteurs",
    "Promoters (9–10)": "Promoteurs (9–10)",
    "Passives (7–8)": "Passifs (7–8)",
    "Detractors (0–6)": "Détracteurs (0–6)",
    "Promoters": "Promoteurs",
    "Passives": "Passifs",
    "Detractors": "Détracteurs",
    "Share of responses (%)": "Part des réponses (%)",
    "1–10 scale: not comparable with 0–10 benchmarks":
        "Échelle de 1 à 10 : non comparable aux référentiels sur 0 à 10",
    "{waves}: 1–10 scale: not comparable with 0–10 benchmarks.":
        "{waves} : échelle de 1 à 10, non comparable aux référentiels sur 0 à 10.",
    "Breakdown by group": "Détail par groupe",
    "eNPS by {dimension} ({wave})": "eNPS par {dimension} ({wave})",
    "eNPS by group": "eNPS par groupe",
    "Groups with fewer than {k} responses are hidden, and so are the groups that would let a hidden one be "
    "worked out from the others or from another view.":
        "Les groupes de moins de {k} réponses sont masqués, ainsi que les groupes qui permettraient de déduire un "
        "groupe masqué à partir des autres ou d'une autre vue.",
    "Comments": "Commentaires",
    "Comment": "Commentaire",
    "{n} comments": "{n} commentaires",
    "Search the comments": "Rechercher dans les commentaires",
    "a word, e.g. workload": "un mot, par ex. charge",
    "No comment is shown: to protect anonymity, comments appear only for selections of at least {n} responses "
    "in a wave, and only when comparing them with other views cannot single out fewer people.":
        "Aucun commentaire affiché : pour préserver l'anonymat, les commentaires n'apparaissent que pour les "
        "sélections d'au moins {n} réponses dans la vague, et seulement si leur comparaison avec d'autres vues ne "
        "peut pas isoler moins de personnes.",
    "Comments of these waves are not shown for this selection, to protect anonymity: {waves}.":
        "Les commentaires de ces vagues ne sont pas affichés pour cette sélection, pour préserver l'anonymat : "
        "{waves}.",
    "No comment contains “{search}”.": "Aucun commentaire ne contient « {search} ».",
    "No comments for this selection.": "Aucun commentaire pour cette sélection.",
    "Most frequent words in the comments": "Mots les plus fréquents dans les commentaires",
    "Comments mentioning it": "Commentaires qui le mentionnent",
    # pulse survey
    "Answers to the pulse questions, wave by wave: the average score and the share of favourable (top two points "
    "of the scale, 4–5 on 1–5), neutral and unfavourable answers.":
        "Réponses aux questions de l'enquête pulse, vague par vague : le score moyen et la part de réponses "
        "favorables (les deux niveaux les plus hauts de l'échelle, 4–5 sur 1–5), neutres et défavorables.",
    "No pulse questions imported yet. Import a survey export with 1–5 questions on the Import page.":
        "Aucune question pulse importée pour l'instant. Importez un export d'enquête comportant des questions "
        "notées de 1 à 5 depuis la page Importer.",
    "No answers for this selection.": "Aucune réponse pour cette sélection.",
    "Results for {wave}": "Résultats de la vague {wave}",
    "Mean": "Moyenne",
    "Favourable": "Favorable",
    "Neutral": "Neutre",
    "Unfavourable": "Défavorable",
    "Favourable (%)": "Favorable (%)",
    "Neutral (%)": "Neutre (%)",
    "Unfavourable (%)": "Défavorable (%)",
    "Reverse-scored": "Score inversé",
    "↺ reverse-scored question: answers are flipped so that favourable is always the positive side.":
        "↺ question à score inversé : les réponses sont retournées pour que « favorable » soit toujours le côté "
        "positif.",
    "Pulse questions": "Questions pulse",
    "Answers per question": "Réponses par question",
    "Share of answers (%)": "Part des réponses (%)",
    "Favourable answers per wave": "Réponses favorables par vague",
    "By group": "Par groupe",
    "Pulse by group": "Pulse par groupe",
    "Favourable answers by {dimension}": "Réponses favorables par {dimension}",
    "no answers": "aucune réponse",
    "{favourable} favourable · mean {mean} · {n} answers": "{favourable} favorables · moyenne {mean} · {n} réponses",
    "Blank cells: fewer than {k} answers, or hidden so that a smaller group cannot be worked out from the others "
    "or from another view. Hover a cell for details.":
        "Cellules vides : moins de {k} réponses, ou masquées pour qu'un groupe plus petit ne puisse pas être déduit "
        "des autres ou d'une autre vue. Survolez une cellule pour le détail.",
    # 1:1 meetings
    "How regularly managers meet each person in their team: days since the last 1:1, the usual interval between "
    "meetings and who is overdue.":
        "La régularité des entretiens individuels entre chaque manager et les membres de son équipe : jours écoulés "
        "depuis le dernier entretien, intervalle habituel entre deux entretiens et collaborateurs en retard.",
    "No 1:1 meetings imported yet. Import a meeting log (manager, employee, date) on the Import page.":
        "Aucun entretien individuel importé pour l'instant. Importez un journal des entretiens (manager, "
        "collaborateur, date) depuis la page Importer.",
    "Employees": "Collaborateurs",
    "Employee": "Collaborateur",
    "Employees with at least one 1:1 up to the as-of date.":
        "Collaborateurs ayant eu au moins un entretien individuel jusqu'à la date de situation.",
    "Overdue": "En retard",
    "Employees whose last 1:1 is more than {days} days before the as-of date.":
        "Collaborateurs dont le dernier entretien individuel date de plus de {days} jours à la date de situation.",
    "Median interval": "Intervalle médian",
    "Median of the days between consecutive 1:1s of the same employee.":
        "Médiane du nombre de jours entre deux entretiens individuels consécutifs d'un même collaborateur.",
    "As of": "Situation au",
    "The export date of the latest 1:1 log imported; days are counted up to this date.":
        "Date d'export du dernier journal d'entretiens importé ; les jours sont comptés jusqu'à cette date.",
    "{days} days": "{days} jours",
    "Cadence: a 1:1 at least every {days} days (change it on the Settings page).":
        "Fréquence cible : un entretien individuel au moins tous les {days} jours (modifiable dans la page "
        "Paramètres).",
    "Cadence: {days} days": "Fréquence cible : {days} jours",
    "Cadence per employee": "Fréquence par collaborateur",
    "Cadence": "Fréquence",
    "Include former managers": "Inclure les anciens managers",
    "An employee who changed manager also appears with the previous one.":
        "Un collaborateur qui a changé de manager apparaît aussi avec le précédent.",
    "Last 1:1": "Dernier entretien",
    "Days since": "Jours écoulés",
    "Meetings": "Entretiens",
    "Median interval (days)": "Intervalle médian (jours)",
    "More than the cadence since the last 1:1.": "Plus long que la fréquence cible depuis le dernier entretien.",
    "Nobody is overdue: everyone had a 1:1 in the last {days} days.":
        "Personne n'est en retard : chacun a eu un entretien individuel au cours des {days} derniers jours.",
    "Per manager": "Par manager",
    "Managers": "Managers",
    "Intervals": "Intervalles",
    "Gaps between two consecutive 1:1s of an employee.":
        "Écarts entre deux entretiens individuels consécutifs d'un même collaborateur.",
    "Median interval between 1:1s": "Intervalle médian entre deux entretiens",
    "Days": "Jours",
    "1:1 meetings per month": "Entretiens individuels par mois",
    "Month": "Mois",
    "Sales × people": "Ventes × équipes",
    "Teams named the same in the survey and in the CRM export: their eNPS in the latest wave beside their win "
    "rate and pipeline velocity. Only teams with at least {k} responses appear.":
        "Équipes portant le même nom dans l'enquête et dans l'export CRM : leur eNPS de la dernière vague à côté "
        "de leur taux de gain et de la vélocité de leur pipeline. Seules les équipes d'au moins {k} réponses "
        "apparaissent.",
}
