"""French catalog for the Scorecards page, its chart and its table (merged into ui.i18n.FR)."""

FR: dict[str, str] = {
    "Sort by": "Trier par",
    "Descending": "Ordre décroissant",
    # navigation, header, window
    "Scorecards": "Fiches commerciaux",
    "How each owner did over a window of dates: deals created, win rates, cycle, slipped close dates, stale deals, "
    "forecast accuracy and the pipeline the next quota needs.":
        "Le bilan de chaque commercial sur une période : affaires créées, taux de gain, cycle, dates de clôture "
        "repoussées, affaires dormantes, justesse de la prévision et le pipeline que demande le prochain objectif.",
    "Window": "Période",
    "Default: the last {n} complete months before the latest snapshot.":
        "Par défaut : les {n} derniers mois complets avant le dernier instantané.",
    "Pick the last day of the window.": "Choisissez le dernier jour de la période.",
    "No owner has a deal created, closed or open in this window.":
        "Aucun commercial n'a d'affaire créée, close ou ouverte sur cette période.",
    "From {start} to {end}; stale deals as of the latest snapshot ({as_of}); quotas of {periods}.":
        "Du {start} au {end} ; affaires dormantes au dernier instantané ({as_of}) ; objectifs de {periods}.",
    "Few closed deals: fewer than {n} deals closed in the window, too few to compare rates.":
        "Peu d'affaires closes : moins de {n} affaires closes sur la période, trop peu pour comparer les taux.",
    "No snapshot is dated in this window: slipped close dates are seen from one snapshot to the next, so the slip "
    "rate is empty.":
        "Aucun instantané n'est daté de cette période : les dates de clôture repoussées se voient d'un instantané "
        "au suivant, le taux de report est donc vide.",
    # chart
    "Win rate against pipeline created, per owner": "Taux de gain selon le pipeline créé, par commercial",
    "owners": "commerciaux",
    "few closed deals": "peu d'affaires closes",
    "pipeline created in the window": "pipeline créé sur la période",
    "win rate": "taux de gain",
    # codes
    "Few closed deals": "Peu d'affaires closes",
    "No quota for the next period": "Pas d'objectif pour la prochaine période",
    "No closed deal yet": "Aucune affaire close",
    "No won deal yet": "Aucune affaire gagnée",
    # table headers
    "Deals created": "Affaires créées",
    "Pipeline created": "Pipeline créé",
    "Win rate by value": "Taux de gain en valeur",
    "Median cycle (days)": "Cycle médian (jours)",
    "Slip rate": "Taux de report",
    "Pushes per deal": "Reports par affaire",
    "Stale share now": "Part dormante aujourd'hui",
    "Model forecast error (%)": "Écart de la prévision du modèle (%)",
    "Call error (%)": "Écart des engagements (%)",
    "Pipeline needed": "Pipeline nécessaire",
    "Quota period": "Période de l'objectif",
    "Why no pipeline needed": "Pourquoi pas de pipeline nécessaire",
    "Deals open in the window": "Affaires ouvertes sur la période",
    "Open deals now": "Affaires ouvertes aujourd'hui",
    "Stale deals now": "Affaires dormantes aujourd'hui",
    "Model forecast error": "Écart de la prévision du modèle",
    "Win rate by value, all time": "Taux de gain en valeur, tout l'historique",
    "Quota for the next period": "Objectif de la prochaine période",
    # column help
    "Deals created in the window.": "Affaires créées sur la période.",
    "Amount of the deals created in the window.": "Montant des affaires créées sur la période.",
    "Won ÷ (won + lost) for deals closed in the window, by count (the Pipeline page's tile for this owner and "
    "period).":
        "Gagnées ÷ (gagnées + perdues) pour les affaires closes sur la période, en nombre (l'indicateur de la page "
        "Pipeline pour ce commercial et cette période).",
    "Won amount ÷ (won + lost amount) for deals closed in the window.":
        "Montant gagné ÷ (montant gagné + perdu) pour les affaires closes sur la période.",
    "Mean amount of the deals won in the window.": "Montant moyen des affaires gagnées sur la période.",
    "Median days from created to closed for deals won in the window.":
        "Nombre médian de jours de la création à la clôture pour les affaires gagnées sur la période.",
    "Share of the deals seen open in a snapshot of the window whose close date was pushed later at least once "
    "from one snapshot to the next.":
        "Part des affaires vues ouvertes dans un instantané de la période dont la date de clôture a été repoussée "
        "au moins une fois d'un instantané au suivant.",
    "Close-date pushes in the window ÷ deals seen open in the window.":
        "Reports de la date de clôture sur la période ÷ affaires vues ouvertes sur la période.",
    "Share of the owner's open deals that are stale today (no change of stage or amount for the stale days of "
    "Settings).":
        "Part des affaires ouvertes du commercial dormantes aujourd'hui (aucun changement d'étape ni de montant "
        "depuis le nombre de jours des Paramètres).",
    "Mean absolute error of the model's forecast of the owner's months in the window, as a share of what was won "
    "(snapshots before each month).":
        "Écart absolu moyen de la prévision du modèle pour les mois du commercial sur la période, rapporté au "
        "montant gagné (instantanés antérieurs à chaque mois).",
    "Mean absolute error of the owner's forecast calls (the commit of the last call before the period ended) for "
    "the periods over that start in the window, as a share of what was won (Forecast page, Forecast calls).":
        "Écart absolu moyen des engagements de prévision du commercial (l'engagement du dernier appel avant la fin "
        "de la période) pour les périodes terminées qui commencent dans la fenêtre, rapporté au montant gagné (page "
        "Prévision, Engagements de prévision).",
    "Owner's quota for the next period ÷ the owner's win rate by value over all history: the pipeline to create "
    "to meet it.":
        "Objectif du commercial pour la prochaine période ÷ son taux de gain en valeur sur tout l'historique : le "
        "pipeline à créer pour l'atteindre.",
}
