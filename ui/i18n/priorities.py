"""French catalog for the Priorities page, its charts and its setting (merged into ui.i18n.FR)."""

FR: dict[str, str] = {
    # navigation, header
    "Priorities": "Priorités",
    "Which open deals to work on this week, and what the deals we win have in common.":
        "Les affaires ouvertes à travailler cette semaine, et ce qu'ont en commun les affaires que nous gagnons.",
    # setting
    "Min closed for driver": "Minimum d'affaires closes par facteur",
    "An attribute value (a source, an owner, a segment…) needs at least this many closed deals to be ranked as "
    "a win driver and to move deal scores.":
        "Une valeur d'attribut (une source, un commercial, un segment…) doit compter au moins ce nombre d'affaires "
        "closes pour être classée parmi les facteurs de succès et pour modifier les scores des affaires.",
    # model note
    "Score = the win rate of past deals that reached the same stage. There are too few closed deals to test "
    "whether the win drivers improve it, so the simpler stage-only score is used.":
        "Score = le taux de transformation des affaires passées arrivées à la même étape. Il y a trop peu "
        "d'affaires closes pour vérifier si les facteurs de succès l'améliorent : le score plus simple, fondé sur "
        "l'étape seule, est utilisé.",
    "Score = the win rate of past deals that reached the same stage, adjusted for {drivers}. On the latest closed "
    "deals, held back from the estimate, it predicted better than the stage alone (prediction error {driver} against "
    "{stage}; lower is better).":
        "Score = le taux de transformation des affaires passées arrivées à la même étape, ajusté selon {drivers}. "
        "Sur les affaires closes les plus récentes, mises de côté lors de l'estimation, il a mieux prédit que "
        "l'étape seule (erreur de prédiction {driver} contre {stage} ; plus bas = meilleur).",
    "Score = the win rate of past deals that reached the same stage. Adjusting it for the win drivers did not "
    "predict the latest closed deals better (prediction error {driver} against {stage}), so the simpler stage-only "
    "score is used.":
        "Score = le taux de transformation des affaires passées arrivées à la même étape. L'ajuster selon les "
        "facteurs de succès ne prédisait pas mieux les affaires closes les plus récentes (erreur de prédiction "
        "{driver} contre {stage}) : le score plus simple, fondé sur l'étape seule, est utilisé.",
    # ranked list
    "Where to spend this week": "Où investir son temps cette semaine",
    "Expected value": "Valeur attendue",
    "Deals needing an update": "Affaires à mettre à jour",
    "Open deals with at least one flag.": "Affaires ouvertes avec au moins un signal.",
    "Closing this month": "Clôture ce mois-ci",
    "Show only deals flagged": "N'afficher que les affaires signalées",
    "No open deal matches the filters.": "Aucune affaire ouverte ne correspond aux filtres.",
    "No open deal has these flags.": "Aucune affaire ouverte ne porte ces signaux.",
    "Select a row to see how its score is built.": "Sélectionnez une ligne pour voir comment son score est construit.",
    "Score": "Score",
    "Flags": "Signaux",
    "Next action": "Prochaine action",
    "What moved the score": "Ce qui a fait varier le score",
    "Estimated chance of winning: the win rate of past deals that reached the same stage, adjusted by the factors "
    "in the last column.":
        "Chance estimée de gagner : le taux de transformation des affaires passées arrivées à la même étape, "
        "ajusté par les facteurs de la dernière colonne.",
    "Score × amount: what the deal is worth this week, weighted by its chance.":
        "Score × montant : ce que vaut l'affaire cette semaine, pondéré par sa chance.",
    "{attribute} = {value}: ×{factor} odds": "{attribute} = {value} : cote ×{factor}",
    "(blank)": "(vide)",
    "no owner": "sans propriétaire",
    # flags
    "past due": "échéance dépassée",
    "no amount": "sans montant",
    "no close date": "sans date de clôture",
    "pushed 2+ times": "repoussée 2 fois ou plus",
    "never pushed": "jamais repoussée",
    "pushed once": "repoussée une fois",
    "stale": "inactive",
    "closes this month": "clôture ce mois-ci",
    # next actions (ui.reasons.ACTION_LABELS, from the codes of analytics.sales.priorities.ACTIONS)
    "Close date passed: update it or mark the deal lost.":
        "Date de clôture dépassée : mettez-la à jour ou passez l'affaire en perdue.",
    "No amount: add one so the deal can be valued.": "Sans montant : ajoutez-en un pour que l'affaire soit valorisée.",
    "No close date: agree one with the buyer.": "Sans date de clôture : convenez-en d'une avec l'acheteur.",
    "Pushed twice or more: confirm the buyer's timeline and decision process.":
        "Repoussée deux fois ou plus : confirmez le calendrier et le processus de décision de l'acheteur.",
    "No change for weeks: contact the buyer or close the deal out.":
        "Aucun changement depuis des semaines : relancez l'acheteur ou clôturez l'affaire.",
    "Closes this month: secure the signature.": "Clôture ce mois-ci : sécurisez la signature.",
    "On track: agree the next step to move it forward.":
        "En bonne voie : convenez de la prochaine étape pour la faire avancer.",
    # selected deal
    "Past deals that reached {stage} in {pipeline}: {rate} won.":
        "Affaires passées arrivées à l'étape {stage} dans {pipeline} : {rate} gagnées.",
    "No factor applies: the score is the stage's win rate.":
        "Aucun facteur ne s'applique : le score est le taux de transformation de l'étape.",
    "Odds {product} = {odds}, so a score of **{score}**; × amount {amount} = expected value **{value}**.":
        "Cote {product} = {odds}, soit un score de **{score}** ; × montant {amount} = valeur attendue "
        "**{value}**.",
    "Factors multiply the odds (chance of winning ÷ chance of losing). Each one compares past deals with the same "
    "value at this stage to all deals at this stage, shrunk toward the stage when few deals share it, and capped "
    "at ×3.":
        "Les facteurs multiplient la cote (chance de gagner ÷ chance de perdre). Chacun compare les affaires "
        "passées ayant la même valeur à cette étape à toutes les affaires de l'étape, ramené vers l'étape quand "
        "peu d'affaires la partagent, et plafonné à ×3.",
    # attributes
    "Deal size": "Taille de l'affaire",
    "Cycle length (days)": "Durée du cycle (jours)",
    "Close-date pushes": "Reports de la date de clôture",
    # win drivers
    "What wins deals": "Ce qui fait gagner les affaires",
    "No closed deal yet: win drivers need won and lost deals.":
        "Aucune affaire close pour l'instant : les facteurs de succès demandent des affaires gagnées et perdues.",
    "No attribute value has {n} closed deals yet.": "Aucune valeur d'attribut ne compte encore {n} affaires closes.",
    "Closed deals of the filters (closed in the period when one is set). Whiskers: 95 % interval. Only values "
    "with at least {n} closed deals are shown (setting).":
        "Affaires closes des filtres (closes dans la période si elle est définie). Moustaches : intervalle à "
        "95 %. Seules les valeurs comptant au moins {n} affaires closes sont affichées (paramètre).",
    "All attribute values, including those with not enough data":
        "Toutes les valeurs d'attribut, y compris celles sans assez de données",
    "Attribute": "Attribut",
    "Closed deals": "Affaires closes",
    "Status": "Statut",
    "ranked": "classée",
    "not enough data": "pas assez de données",
    "95 % low": "Borne basse 95 %",
    "95 % high": "Borne haute 95 %",
    "Difference from overall": "Écart à l'ensemble",
    "Win rate by attribute": "Taux de transformation par attribut",
    "overall {rate}": "ensemble {rate}",
    "win rate of closed deals": "taux de transformation des affaires closes",
    "{n} closed deals, {won} won": "{n} affaires closes, {won} gagnées",
    "95 % interval: {low} to {high}": "intervalle à 95 % : de {low} à {high}",
    "Average won deal: {amount}": "Affaire gagnée moyenne : {amount}",
    # calibration
    "How good is the score?": "Le score est-il fiable ?",
    "Too few closed deals to hold some back and test the score (at least {train} to learn from and {test} to "
    "test on).":
        "Trop peu d'affaires closes pour en mettre de côté et tester le score (il en faut au moins {train} pour "
        "apprendre et {test} pour tester).",
    "Prediction error, score with win drivers": "Erreur de prédiction, score avec facteurs de succès",
    "Prediction error, stage win rate only": "Erreur de prédiction, taux de l'étape seul",
    "Brier score: the mean of (score − outcome)², outcome 1 = won, 0 = lost, on the held-back deals. Lower is "
    "better.":
        "Score de Brier : moyenne de (score − résultat)², résultat 1 = gagnée, 0 = perdue, sur les affaires "
        "mises de côté. Plus bas = meilleur.",
    "Brier score of the stage's win rate alone, on the same deals. Lower is better.":
        "Score de Brier du taux de transformation de l'étape seul, sur les mêmes affaires. Plus bas = meilleur.",
    "Score used: **{name}** (the lower error).": "Score utilisé : **{name}** (l'erreur la plus basse).",
    "score with win drivers": "score avec facteurs de succès",
    "stage win rate only": "taux de l'étape seul",
    "Learnt from the {train} deals closed before {date}, tested on the {test} deals closed since ({n} predictions: "
    "one per stage each deal reached). The list's scores are then learnt from every closed deal.":
        "Appris sur les {train} affaires closes avant le {date}, testé sur les {test} affaires closes depuis "
        "({n} prédictions : une par étape atteinte par chaque affaire). Les scores de la liste sont ensuite "
        "appris sur toutes les affaires closes.",
    "No lost deal is known to have reached {stages}: a lost deal without stage history counts at the first stage "
    "only, so the win rate there is overstated. Stage entry dates in the export fix this.":
        "Aucune affaire perdue n'est connue pour avoir atteint {stages} : une affaire perdue sans historique "
        "d'étapes ne compte qu'à la première étape, donc le taux de transformation y est surestimé. Les dates "
        "d'entrée dans les étapes de l'export corrigent cela.",
    "Reliability on held-back deals": "Fiabilité sur les affaires mises de côté",
    "perfect calibration": "calibrage parfait",
    "predicted": "prédit",
    "observed": "observé",
    "{n} predictions": "{n} prédictions",
    "predicted win probability": "probabilité de gain prédite",
    "share actually won": "part réellement gagnée",
    "Unknown": "Inconnue",
    "No open deal has a known amount, so the expected value is unknown.":
        "Aucune affaire ouverte n'a de montant connu : la valeur attendue est inconnue.",
}
