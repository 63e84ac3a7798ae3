"""French catalog for participation (response rates, headcounts) and comment themes (merged into ui.i18n.FR)."""

FR: dict[str, str] = {
    # participation (Engagement page)
    "Participation": "Participation",
    "Response rate = people who took part / headcount (imported on the Import page or typed in Settings). Groups "
    "under 60 % are flagged; 75–80 % is considered healthy (Culture Amp). Groups hidden for anonymity show no "
    "number, not even their headcount.":
        "Taux de réponse = personnes ayant participé / effectif (importé depuis la page Importer ou saisi dans les "
        "Paramètres). Les groupes sous 60 % sont signalés ; 75–80 % est considéré comme sain (Culture Amp). Les "
        "groupes masqués pour préserver l'anonymat n'affichent aucun chiffre, pas même leur effectif.",
    "Group": "Groupe",
    "Participation is shown for the whole survey, group by group: clear the filters to see it.":
        "La participation est présentée pour toute l'enquête, groupe par groupe : effacez les filtres pour la voir.",
    "Headcount": "Effectif",
    "Response rate by group": "Taux de réponse par groupe",
    "Under 60 %: low participation": "Sous 60 % : participation faible",
    "More responses than headcount: check the headcount": "Plus de réponses que l'effectif : vérifiez l'effectif",
    # comment themes (Pulse page)
    "What people wrote": "Ce que les gens ont écrit",
    "Comments are hidden: an administrator chose to hide survey comments, their phrases and themes (Settings).":
        "Commentaires masqués : un administrateur a choisi de masquer les commentaires d'enquête, leurs expressions "
        "et leurs thèmes (Paramètres).",
    "No comment themes for this selection: comments appear only for selections of at least {n} responses in a "
    "wave.":
        "Aucun thème de commentaire pour cette sélection : les commentaires n'apparaissent que pour les sélections "
        "d'au moins {n} réponses dans une vague.",
    "Comments mentioning each theme (a comment may mention several), from a word list in English and French; only "
    "groups large enough for their comments to be shown count.":
        "Commentaires évoquant chaque thème (un commentaire peut en évoquer plusieurs), d'après une liste de mots en "
        "anglais et en français ; seuls les groupes assez grands pour que leurs commentaires soient affichés "
        "comptent.",
    "Comment themes per wave": "Thèmes des commentaires par vague",
    "Comment themes": "Thèmes des commentaires",
    "Theme": "Thème",
    "Comments": "Commentaires",
    "Frequent phrases": "Expressions fréquentes",
    "Phrase": "Expression",
    "Workload": "Charge de travail",
    "Management": "Management",
    "Pay": "Rémunération",
    "Career": "Carrière",
    "Tools": "Outils",
    "Culture": "Culture",
    "Remote work": "Télétravail",
    "Recognition": "Reconnaissance",
    "Communication": "Communication",
    # settings
    "Survey comments": "Commentaires d'enquête",
    "Hide: survey comments, their frequent phrases and their themes appear on no page, download or report "
    "(report --json gives null).":
        "Masquer : les commentaires d'enquête, leurs expressions fréquentes et leurs thèmes n'apparaissent sur "
        "aucune page, aucun téléchargement ni aucun rapport (report --json donne null).",
    "Show comments and themes": "Afficher les commentaires et les thèmes",
    "Hide comments and themes": "Masquer les commentaires et les thèmes",
    "Survey headcount": "Effectifs de l'enquête",
    "How many people each group holds, for the response rate on the Engagement page (a headcount file imported on "
    "the Import page takes precedence). Leave the total at 0 to use the sum of the groups.":
        "Combien de personnes compte chaque groupe, pour le taux de réponse de la page Engagement (un fichier "
        "d'effectifs importé depuis la page Importer est prioritaire). Laissez le total à 0 pour utiliser la somme "
        "des groupes.",
    "Headcount saved.": "Effectifs enregistrés.",
    "Import a survey with a grouping column (department, team…) first: its groups appear here.":
        "Importez d'abord une enquête avec une colonne de regroupement (service, équipe…) : ses groupes "
        "apparaissent ici.",
    "Total headcount": "Effectif total",
    "The survey's grouping column the group belongs to.": "La colonne de regroupement de l'enquête du groupe.",
    "The group's name, as in the survey.": "Le nom du groupe, comme dans l'enquête.",
    "How many people the group holds.": "Le nombre de personnes du groupe.",
    "Save headcount": "Enregistrer les effectifs",
    "Headcount row {row}: choose a group dimension and type the group's name.":
        "Effectifs, ligne {row} : choisissez un regroupement et saisissez le nom du groupe.",
    "Headcount row {row}: enter a whole number of people from 0 (you entered {value}).":
        "Effectifs, ligne {row} : saisissez un nombre entier de personnes à partir de 0 (vous avez saisi {value}).",
    "Headcount: the group {group} appears twice.": "Effectifs : le groupe {group} apparaît deux fois.",
    "Total headcount: enter a whole number of people from 0 (you entered {value}).":
        "Effectif total : saisissez un nombre entier de personnes à partir de 0 (vous avez saisi {value}).",
    # import
    "Headcount per group (for response rates)": "Effectif par groupe (pour les taux de réponse)",
    "Groups": "Groupes",
    "a headcount column ({column}) beside group columns only": "une colonne d'effectif ({column}) à côté de "
                                                               "colonnes de groupes uniquement",
    "the header names a number of people": "l'en-tête désigne un nombre de personnes",
    "people are counted per group of {columns}": "les personnes sont comptées par groupe de {columns}",
    "headcount": "effectif",
}
