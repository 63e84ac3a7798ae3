"""French catalog for the Forecast page and its charts (merged into ui.i18n.FR)."""

FR: dict[str, str] = {
    # page, controls and headline numbers
    "What the pipeline should bring in: won so far plus each open deal's amount × its win probability, by expected "
    "close date, with a likely range, quotas and what-if scenarios.":
        "Ce que le pipeline devrait rapporter : le gagné à date plus, pour chaque affaire ouverte, son montant × sa "
        "probabilité de gain, selon la date de clôture prévue, avec une fourchette probable, les objectifs et des "
        "scénarios.",
    "Periods": "Périodes",
    "Monthly": "Par mois",
    "Quarterly": "Par trimestre",
    "Win probabilities": "Probabilités de gain",
    "Configured": "Paramétrées",
    "Calibrated": "Calibrées",
    "Configured: the exported probability, else the stage's. Calibrated: the share of closed deals that reached the "
    "stage and were won.":
        "Paramétrées : la probabilité exportée, sinon celle de l'étape. Calibrées : la part des affaires closes "
        "ayant atteint l'étape qui ont été gagnées.",
    "Run-rate projection": "Projection au rythme actuel",
    "Adds what deals not created yet should bring: recent new deals per month × win rate × average won deal, from "
    "one sales cycle after the latest snapshot.":
        "Ajoute ce que devraient rapporter les affaires pas encore créées : nouvelles affaires récentes par mois × "
        "taux de gain × panier moyen, à partir d'un cycle de vente après le dernier instantané.",
    "Forecast {period}": "Prévision {period}",
    "Won in the period + expected from the open deals closing in it.":
        "Gagné sur la période + attendu des affaires ouvertes qui s'y clôturent.",
    "Won so far": "Gagné à date",
    "Expected from open deals": "Attendu des affaires ouvertes",
    "Sum of amount × win probability of the open deals closing in the period; past-due deals count in the current "
    "period.":
        "Somme des montants × probabilité de gain des affaires ouvertes qui se clôturent sur la période ; les "
        "affaires en retard comptent dans la période en cours.",
    "Likely range (P10–P90)": "Fourchette probable (P10–P90)",
    "8 times out of 10 the period ends in this range, if each deal is won with its probability independently. "
    "Method: {method}.":
        "8 fois sur 10, la période se termine dans cette fourchette, si chaque affaire est gagnée selon sa "
        "probabilité, indépendamment des autres. Méthode : {method}.",
    "10,000 simulations of every open deal": "10 000 simulations de chaque affaire ouverte",
    "10,000 simulations of the 200 deals that weigh most, a normal approximation for the others":
        "10 000 simulations des 200 affaires qui pèsent le plus, approximation normale pour les autres",
    "normal approximation": "approximation normale",
    "no open deal in the period": "aucune affaire ouverte sur la période",
    "{n} open deals without a close date are not in the forecast.":
        "{n} affaires ouvertes sans date de clôture ne sont pas dans la prévision.",
    "{n} past-due open deals count in the current period.":
        "{n} affaires ouvertes en retard comptent dans la période en cours.",
    "No open or won deal to forecast.": "Aucune affaire ouverte ou gagnée à prévoir.",
    # what-if
    "What if…": "Et si…",
    "Win probability (± %)": "Probabilité de gain (± %)",
    "Average deal size (%)": "Montant moyen des affaires (%)",
    "Sales cycle (days)": "Cycle de vente (jours)",
    "New pipeline per month (%)": "Nouveau pipeline par mois (%)",
    "Slip rate (%)": "Taux de glissement (%)",
    "Every open deal's win probability goes up or down by this share, capped at 100 %: at +10 %, a deal at 40 % "
    "counts at 44 %.":
        "La probabilité de gain de chaque affaire ouverte monte ou baisse d'autant, plafonnée à 100 % : à +10 %, "
        "une affaire à 40 % compte pour 44 %.",
    "Every open deal, and the deals not created yet, are this much bigger or smaller.":
        "Chaque affaire ouverte, et celles pas encore créées, sont plus grosses ou plus petites d'autant.",
    "Expected close dates move by this many days: deals move between months.":
        "Les dates de clôture prévues bougent d'autant de jours : des affaires changent de mois.",
    "More or fewer new deals created each month: changes the run-rate projection only.":
        "Plus ou moins de nouvelles affaires créées chaque mois : ne change que la projection au rythme actuel.",
    "Share of each month's expected amount pushed to the next month.":
        "Part du montant attendu de chaque mois repoussée au mois suivant.",
    "Reset to baseline": "Revenir à la référence",
    "No period of the forecast falls in the chosen period.":
        "Aucune période de la prévision ne tombe dans la période choisie.",
    "Won and from open deals, periods shown": "Gagné et des affaires ouvertes, périodes affichées",
    "From deals not created yet, periods shown": "Des affaires pas encore créées, périodes affichées",
    "A forecast, not pipeline: deals created after the latest snapshot and won in the periods shown. With them the "
    "baseline's total is {total}.":
        "Une prévision, pas du pipeline : les affaires créées après le dernier instantané et gagnées sur les "
        "périodes affichées. Avec elles, le total de la référence est de {total}.",
    "Scenario, periods shown": "Scénario, périodes affichées",
    "The scenario's total minus the baseline's, over the periods on the chart.":
        "Le total du scénario moins celui de la référence, sur les périodes du graphique.",
    "Scenario {period}": "Scénario {period}",
    "Move a slider to see a scenario beside the baseline.":
        "Déplacez un curseur pour voir un scénario à côté de la référence.",
    "Scenario name": "Nom du scénario",
    "e.g. Q1 push": "ex. : effort T1",
    "Save scenario": "Enregistrer le scénario",
    "Scenario “{name}” saved.": "Scénario « {name} » enregistré.",
    "Saved scenarios": "Scénarios enregistrés",
    "None saved yet": "Aucun pour l'instant",
    "Choose a scenario": "Choisir un scénario",
    "Load": "Charger",
    "Compare with saved scenarios": "Comparer avec des scénarios enregistrés",
    "Choose scenarios": "Choisir des scénarios",
    "Baseline and scenarios by period": "Référence et scénarios par période",
    # tables
    "Configured vs calibrated probabilities": "Probabilités paramétrées ou calibrées",
    "Calibrated: each stage's probability is the share of closed deals that reached it and were won (see the "
    "Pipeline page), instead of the configured one.":
        "Calibrées : la probabilité de chaque étape est la part des affaires closes l'ayant atteinte qui ont été "
        "gagnées (voir la page Pipeline), au lieu de celle paramétrée.",
    "Expected": "Attendu",
    "P10": "P10",
    "P50": "P50",
    "P90": "P90",
    "Projection (run rate)": "Projection (rythme actuel)",
    "Expected (configured p)": "Attendu (p paramétrée)",
    "Forecast (configured p)": "Prévision (p paramétrée)",
    "Expected (calibrated p)": "Attendu (p calibrée)",
    "Forecast (calibrated p)": "Prévision (p calibrée)",
    "P10 (configured p)": "P10 (p paramétrée)",
    "P90 (configured p)": "P90 (p paramétrée)",
    "P10 (calibrated p)": "P10 (p calibrée)",
    "P90 (calibrated p)": "P90 (p calibrée)",
    "Calibrated − configured": "Calibrée − paramétrée",
    "Baseline": "Référence",
    "Scenario": "Scénario",
    "Difference": "Écart",
    # categories
    "Forecast categories": "Catégories de prévision",
    "These exports have no forecast category (Salesforce and HubSpot can export one: Pipeline, Best Case, Commit, "
    "Closed, Omitted).":
        "Ces exports n'ont pas de catégorie de prévision (Salesforce et HubSpot peuvent en exporter une : Pipeline, "
        "Meilleur cas, Engagement, Clôturé, Omis).",
    "Amounts of the open deals closing in the period by category, won deals as Closed. Commit forecast = Closed + "
    "Commit; Best Case forecast = + Best Case; Pipeline forecast = every category but Omitted.":
        "Montants des affaires ouvertes qui se clôturent sur la période, par catégorie ; les affaires gagnées comptent "
        "en Clôturé. Prévision Engagement = Clôturé + Engagement ; Prévision Meilleur cas = + Meilleur cas ; "
        "Prévision Pipeline = toutes les catégories sauf Omis.",
    "Closed": "Clôturé",
    "Commit": "Engagement",
    "Best Case": "Meilleur cas",
    "Omitted": "Omis",
    "Uncategorised": "Sans catégorie",
    "Commit forecast": "Prévision Engagement",
    "Best Case forecast": "Prévision Meilleur cas",
    "Pipeline forecast": "Prévision Pipeline",
    # quotas
    "Quota and coverage": "Objectif et couverture",
    "2026-12, 2026-Q4 or 2026": "Format AAAA-MM pour un mois (2026-12), AAAA-QN pour un trimestre (2026-Q4 : "
                                "4e trimestre) ou AAAA pour une année (2026)",
    "Blank = the team (the deals the filters keep).": "Vide = l'équipe (les affaires retenues par les filtres).",
    "Save quotas": "Enregistrer les objectifs",
    "{n} quotas saved.": "{n} objectifs enregistrés.",
    # why the quota table is refused (analytics.sales.quotas.QUOTA_TEXTS)
    "Row {row}: give the period, such as 2026-12, 2026-Q4 or 2026.":
        "Ligne {row} : indiquez la période, p. ex. 2026-12 (un mois), 2026-Q4 (un trimestre) ou 2026 (une année).",
    "Row {row}: the period must look like 2026-12, 2026-Q4 or 2026 (got {period}).":
        "Ligne {row} : la période doit s'écrire comme 2026-12 (un mois), 2026-Q4 (un trimestre) ou 2026 (une "
        "année) ; saisi : {period}.",
    "Row {row}: the quota must be a number.": "Ligne {row} : l'objectif doit être un nombre.",
    "Row {row}: the quota must be 0 or more.": "Ligne {row} : l'objectif doit être positif ou nul.",
    "Row {row}: the quota must be below {limit}.": "Ligne {row} : l'objectif doit être inférieur à {limit}.",
    "{period} has two quotas for the team.": "{period} a deux objectifs pour l'équipe.",
    "{period} has two quotas for {owner}.": "{period} a deux objectifs pour {owner}.",
    "Enter a quota for a month (2026-12), a quarter (2026-Q4) or a year, for the team (no owner) or an owner, and "
    "save: coverage and the gap to quota appear here.":
        "Saisissez un objectif pour un mois (format AAAA-MM, p. ex. 2026-12), un trimestre (format AAAA-QN, p. ex. "
        "2026-Q4 pour le 4e trimestre) ou une année (format AAAA), pour l'équipe (sans commercial) ou un "
        "commercial, puis enregistrez : la couverture et l'écart à l'objectif s'affichent ici.",
    "Quota": "Objectif",
    "team": "équipe",
    "Every quota": "Tous les objectifs",
    "Coverage of the remaining quota": "Couverture du reste à faire",
    "Attainment: {pct} won.": "Réalisation : {pct} gagné.",
    "Gap to quota": "Écart à l'objectif",
    "Quota − forecast (won + expected). Negative: the forecast is above the quota.":
        "Objectif − prévision (gagné + attendu). Négatif : la prévision dépasse l'objectif.",
    "Coverage = open amount closing in the period ({open}) ÷ quota still to win ({remaining}). A common rule of "
    "thumb is 3×.":
        "Couverture = montant ouvert qui se clôture sur la période ({open}) ÷ objectif restant à gagner "
        "({remaining}). Repère courant : 3×.",
    "The quota is met: nothing left to cover.": "L'objectif est atteint : plus rien à couvrir.",
    "Remaining": "Reste à faire",
    "Open in period": "Ouvert sur la période",
    "Coverage": "Couverture",
    "Attainment": "Réalisation",
    # accuracy
    "Forecast accuracy": "Justesse des prévisions",
    "Accuracy appears once a month has closed that earlier snapshots forecast: keep importing the weekly export.":
        "La justesse s'affiche dès qu'un mois prévu par des instantanés antérieurs est terminé : continuez d'importer "
        "l'export hebdomadaire.",
    "MAPE = mean of |forecast − won| ÷ won over the snapshots that forecast the month.":
        "MAPE = moyenne de |prévision − gagné| ÷ gagné sur les instantanés qui ont prévu le mois.",
    "Snapshot": "Instantané",
    "Months ahead": "Mois d'avance",
    "Won (actual)": "Gagné (réel)",
    "Error": "Erreur",
    "Absolute % error": "Erreur absolue en %",
    "Mean error": "Erreur moyenne",
    "MAPE": "MAPE",
    "Last forecast": "Dernière prévision",
    # charts
    "Forecast by period": "Prévision par période",
    "Projection: deals not created yet (run rate)": "Projection : affaires pas encore créées (rythme actuel)",
    "Snapshot of {date}: {amount}": "Instantané du {date} : {amount}",
    "Forecast at a snapshot": "Prévision d'un instantané",
    "Forecast accuracy: forecasts of past snapshots against what was won":
        "Justesse : prévisions des instantanés passés face au gagné",
    # deals not created yet (analytics/sales/new_deals.py)
    "From open deals": "Des affaires ouvertes",
    "From deals not created yet": "Des affaires pas encore créées",
    "Total with deals not created yet": "Total avec les affaires pas encore créées",
    "P10 with deals not created yet": "P10 avec les affaires pas encore créées",
    "P50 with deals not created yet": "P50 avec les affaires pas encore créées",
    "P90 with deals not created yet": "P90 avec les affaires pas encore créées",
    "Likely range from open deals (P10–P90)": "Fourchette probable des affaires ouvertes (P10–P90)",
    "Likely range with deals not created yet (P10–P90)":
        "Fourchette probable avec les affaires pas encore créées (P10–P90)",
    "From open deals and from deals not created yet, by period":
        "Des affaires ouvertes et des affaires pas encore créées, par période",
    "Expected from deals created after the latest snapshot and won in the period (none closes before {start}). "
    "With them, the period's total is {total}, likely between {low} and {high}.":
        "Attendu des affaires créées après le dernier instantané et gagnées sur la période (aucune ne se clôture "
        "avant le {start}). Avec elles, le total de la période est de {total}, probablement entre {low} et {high}.",
    "Not enough history for deals not created yet: {why}":
        "Pas assez d'historique pour les affaires pas encore créées : {why}",
    "no deal imported.": "aucune affaire importée.",
    "the exports have no created date.": "les exports n'ont pas de date de création.",
    "no deal was created from {first} to {last}.": "aucune affaire n'a été créée du {first} au {last}.",
    "no deal with an amount was won from {first} to {last}.":
        "aucune affaire avec un montant n'a été gagnée du {first} au {last}.",
    "no deal won from {first} to {last} has both a created and a close date (no sales cycle).":
        "aucune affaire gagnée du {first} au {last} n'a à la fois une date de création et une date de clôture (pas "
        "de cycle de vente).",
    "From deals not created yet (hatched) = a forecast, not pipeline. Over the last {months} complete months "
    "({first} to {last}): {n} new deals a month × win rate {rate} × average won deal {avg} = {total} a month, from "
    "{start} on (one median sales cycle of those months, {days} days, after the latest snapshot). These are the "
    "Pipeline page's win rate, average won deal and sales cycle for those months; its tiles cover the period chosen "
    "in the sidebar. The range counts the new wins as random (Poisson) and draws each win's amount from the deals "
    "won in those months.":
        "Des affaires pas encore créées (hachuré) = une prévision, pas du pipeline. Sur les {months} derniers mois "
        "complets (du {first} au {last}) : {n} nouvelles affaires par mois × taux de gain {rate} × panier moyen "
        "{avg} = {total} par mois, à partir du {start} (un cycle de vente médian de ces mois, {days} jours, après le "
        "dernier instantané). Ce sont le taux de gain, le panier moyen et le cycle de vente de la page Pipeline pour "
        "ces mois ; ses indicateurs couvrent la période choisie dans la barre latérale. La fourchette tient le "
        "nombre de nouveaux gains pour aléatoire (loi de Poisson) et tire le montant de chaque gain parmi les "
        "affaires gagnées de ces mois.",
    "Won {won} + from open deals {open} + from deals not created yet {new}.":
        "Gagné {won} + des affaires ouvertes {open} + des affaires pas encore créées {new}.",
    "Won {won} + from open deals {open}.": "Gagné {won} + des affaires ouvertes {open}.",
}
