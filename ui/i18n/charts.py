"""French of the chart wording: the sentence an empty chart shows instead of axes, direct labels."""

FR = {
    "No question has enough answers beside an eNPS answer: nothing to draw.":
        "Aucune question n'a assez de réponses à côté d'une réponse eNPS : rien à afficher.",
    "No period to forecast: no open deal and nothing won in the periods.":
        "Aucune période à prévoir : aucune affaire ouverte et rien de gagné sur les périodes.",
    "No quota left to cover in this period: no coverage to show.":
        "Plus d'objectif à couvrir sur cette période : pas de couverture à afficher.",
    "No closed month has a forecast from an earlier snapshot yet: nothing to compare.":
        "Aucun mois clos n'a encore de prévision d'un instantané antérieur : rien à comparer.",
    "Fewer than two snapshots: no trend to draw yet.":
        "Moins de deux instantanés : pas encore de tendance à afficher.",
    "No open deal in this selection: nothing to draw.":
        "Aucune affaire ouverte dans cette sélection : rien à afficher.",
    "No deal moved between these snapshots: nothing to draw.":
        "Aucune affaire n'a bougé entre ces instantanés : rien à afficher.",
    "No eNPS answer yet: nothing to draw.": "Aucune réponse eNPS pour l'instant : rien à afficher.",
    "No group to compare in this selection: nothing to draw.":
        "Aucun groupe à comparer dans cette sélection : rien à afficher.",
    "No comment in this selection: nothing to draw.": "Aucun commentaire dans cette sélection : rien à afficher.",
    "No pulse answer here: nothing to draw.": "Aucune réponse au baromètre ici : rien à afficher.",
    "No manager with two 1:1s yet: nothing to draw.":
        "Aucun manager n'a encore eu deux entretiens individuels : rien à afficher.",
    "No 1:1 meeting in this selection: nothing to draw.":
        "Aucun entretien individuel dans cette sélection : rien à afficher.",
    "Too few closed deals per value of any attribute: no win rate to compare yet.":
        "Trop peu d'affaires clôturées par valeur d'attribut : pas encore de taux de gain à comparer.",
    "Too few closed deals to hold some back: nothing to draw.":
        "Trop peu d'affaires clôturées pour en mettre de côté : rien à afficher.",
    "No deal reached any stage in this period: nothing to draw.":
        "Aucune affaire n'a atteint d'étape sur cette période : rien à afficher.",
    "No stage entry dates yet: nothing to draw.": "Pas encore de dates d'entrée en étape : rien à afficher.",
    "The open deals in this selection have no amount: nothing to draw.":
        "Les affaires ouvertes de cette sélection n'ont pas de montant : rien à afficher.",
    "median {median} days · half of the stays between {q1} and {q3} days":
        "médiane {median} jours · la moitié des séjours entre {q1} et {q3} jours",
    "No deal owner in this selection: nothing to draw.": "Aucun propriétaire dans cette sélection : rien à afficher.",
    "No closed deal yet: nothing to compare.": "Aucune affaire clôturée pour l'instant : rien à comparer.",
    "No lost deal in this selection: nothing to draw.": "Aucune affaire perdue dans cette sélection : rien à afficher.",
    "No owner closed a deal in the window: no win rate to draw.":
        "Aucun propriétaire n'a clôturé d'affaire sur la période : pas de taux de gain à afficher.",
    "No group with a headcount to compare: nothing to draw.":
        "Aucun groupe avec un effectif à comparer : rien à afficher.",
}
