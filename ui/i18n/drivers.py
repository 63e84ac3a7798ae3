"""French catalog for key drivers of eNPS, focus areas and question trends (merged into ui.i18n.FR)."""

FR: dict[str, str] = {
    # engagement page: focus areas and key drivers
    "Focus areas": "Axes prioritaires",
    "Focus area": "Axe prioritaire",
    "Key drivers": "Leviers de l'eNPS",
    "Key drivers table": "Tableau des leviers de l'eNPS",
    "Impact (ρ)": "Impact (ρ)",
    "95 % interval": "Intervalle à 95 %",
    "Lower bound (95 %)": "Borne basse (95 %)",
    "Upper bound (95 %)": "Borne haute (95 %)",
    "Significant": "Significatif",
    "Answers": "Réponses",
    "yes": "oui",
    "no": "non",
    "Impact × score, {wave}": "Impact × score, {wave}",
    "Impact: how closely a question's answers rise and fall with the eNPS answer (Spearman rank correlation ρ over "
    "the people who answered both, with its 95 % interval; significant when the interval excludes 0). Focus areas "
    "score below the median question and have an impact above the median, significantly. A correlation, not proof "
    "of cause.":
        "Impact : à quel point les réponses à une question montent et descendent avec la réponse eNPS (corrélation "
        "des rangs de Spearman ρ sur les personnes ayant répondu aux deux, avec son intervalle à 95 % ; "
        "significatif quand l'intervalle exclut 0). Les axes prioritaires ont un score inférieur à la question "
        "médiane et un impact supérieur à la médiane, de façon significative. Une corrélation, pas la preuve d'une "
        "cause.",
    "No focus area in {wave}: no question both scores below most questions and moves with eNPS more than most, "
    "significantly.":
        "Aucun axe prioritaire en {wave} : aucune question n'a à la fois un score inférieur à la plupart des "
        "questions et un lien avec l'eNPS plus fort que la plupart, de façon significative.",
    "Key drivers need at least {n} people of this selection answering both a question and eNPS in the wave (and "
    "the anonymity rule met).":
        "Les leviers de l'eNPS demandent qu'au moins {n} personnes de cette sélection aient répondu à la fois à une "
        "question et à l'eNPS dans la vague (et que la règle d'anonymat soit respectée).",
    "Fewer than half answer favourably to “{question}” ({favourable}), and it moves with eNPS more than most "
    "questions (ρ = {rho}).":
        "Moins de la moitié répondent favorablement à « {question} » ({favourable}), et cette question varie avec "
        "l'eNPS plus que la plupart des questions (ρ = {rho}).",
    "Only {favourable} answer favourably to “{question}”, less than to most questions, and it moves with eNPS "
    "more than most questions (ρ = {rho}).":
        "Seulement {favourable} répondent favorablement à « {question} », moins qu'à la plupart des questions, et "
        "cette question varie avec l'eNPS plus que la plupart (ρ = {rho}).",
    "fewer than {n} answers to both this question and eNPS": "moins de {n} réponses à la fois à cette question et à "
                                                             "l'eNPS",
    "everyone gave the same answer": "tout le monde a donné la même réponse",
    "{favourable} favourable · ρ = {rho} (95 %: {low} to {high}) · {n} answers":
        "{favourable} favorables · ρ = {rho} (95 % : de {low} à {high}) · {n} réponses",
    "Favourable answers (%)": "Réponses favorables (%)",
    "Impact on eNPS (rank correlation ρ)": "Impact sur l'eNPS (corrélation des rangs ρ)",
    "Questions": "Questions",
    "median score": "score médian",
    "median impact": "impact médian",
    # pulse page: trend per question and group
    "Change per question for": "Évolution par question pour",
    "Change of the favourable share from the previous wave shown; ▲/▼ significant when a two-proportion z-test "
    "gives p < 0.05. Groups hidden in a wave are left out.":
        "Évolution de la part de réponses favorables depuis la vague précédente affichée ; ▲/▼ significatif quand "
        "un test z de comparaison de deux proportions donne p < 0,05. Les groupes masqués dans une vague sont omis.",
    "No change to show: a question needs two waves shown for this selection.":
        "Aucune évolution à afficher : une question doit être affichée dans deux vagues pour cette sélection.",
    "{comparisons} comparisons at once: about {expected} would look significant by chance alone (5 %). "
    "Significant: {significant}; still significant after the Benjamini-Hochberg correction: {kept}.":
        "{comparisons} comparaisons à la fois : environ {expected} paraîtraient significatives par le seul hasard "
        "(5 %). Significatives : {significant} ; encore significatives après la correction de Benjamini-Hochberg : "
        "{kept}.",
    "Pulse trends": "Évolution pulse",
    "Group": "Groupe",
    "Compared with": "Comparé à",
    "Before": "Avant",
    "Before (%)": "Avant (%)",
    "Answers before": "Réponses avant",
    "Change (points)": "Évolution (points)",
    "p-value": "valeur p",
    "Significance": "Significativité",
    "After correction": "Après correction",
}
