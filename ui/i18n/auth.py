"""French catalog for access control: sign-in, roles, the Import page's role checks (merged into ui.i18n.FR)."""

FR: dict[str, str] = {
    # sign-in and account (ui/auth.py)
    "Sign in to see the dashboards.": "Connectez-vous pour voir les tableaux de bord.",
    "User name": "Nom d'utilisateur",
    "Password": "Mot de passe",
    "Sign in": "Se connecter",
    "Sign in with {provider}": "Se connecter avec {provider}",
    "Wrong user name or password.": "Nom d'utilisateur ou mot de passe incorrect.",
    "Too many failed sign-ins. Try again in {minutes} min.":
        "Trop d'échecs de connexion. Réessayez dans {minutes} min.",
    "Signing in with an identity provider needs the Authlib package: pip install \"streamlit[auth]\".":
        "La connexion par un fournisseur d'identité nécessite le paquet Authlib : pip install \"streamlit[auth]\".",
    "Signed in as {name} ({roles})": "Connecté en tant que {name} ({roles})",
    "Sign out": "Se déconnecter",
    "You are signed in as {name}, but no role gives you access to a page. Ask an admin.":
        "Vous êtes connecté en tant que {name}, mais aucun rôle ne vous donne accès à une page. "
        "Demandez à un administrateur.",
    "You do not have access to this page.": "Vous n'avez pas accès à cette page.",
    "Access control is misconfigured, so nothing is shown: {error}":
        "Le contrôle d'accès est mal configuré, rien n'est donc affiché : {error}",
    # roles
    "HR": "RH",
    "Admin": "Administration",
    # Import page, per role
    "Your roles do not allow importing this kind of file ({kind}).":
        "Vos rôles ne permettent pas d'importer ce type de fichier ({kind}).",
}
