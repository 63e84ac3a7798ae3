"""Column matching, file-kind detection and stage configurations (analytics/mapping.py)."""

import pandas as pd
import pytest

from analytics import text
from analytics.ingest import mapping as m
from analytics.ingest import pipelines, stage_config, survey_mapping

# --------------------------------------------------------------------------- headers


@pytest.mark.parametrize("raw, expected", [
    ("Deal Stage", "deal stage"),
    ("  Date de clôture prévue ", "date de cloture prevue"),
    ("Probabilité (%)", "probabilite"),
    ("close_value", "close value"),
    ("Affaire - Étape", "affaire etape"),
    ("Nom de l’affaire", "nom de l affaire"),
    ("Durée (min)", "duree min"),
])
def test_normalise_header(raw, expected):
    assert text.normalise_header(raw) == expected


def test_column_signature_stable_under_order_and_case():
    a = m.column_signature(["Deal Stage", "Amount", "Close Date"])
    assert a == m.column_signature(["close date", "AMOUNT", " Deal stage"])
    assert a == m.column_signature(["Close_Date", "Amount", "Deal-Stage"])
    assert a != m.column_signature(["Deal Stage", "Amount"])
    assert len(a) == 16


# --------------------------------------------------------------------------- deals

HUBSPOT = ["Record ID", "Deal Name", "Pipeline", "Deal Stage", "Amount", "Deal currency code", "Close Date",
           "Create Date", "Deal owner", "Deal probability", "Forecast category", "Deal Type", "Original Source Type",
           'Date entered "Appointment Scheduled (Sales Pipeline)"', "Last Modified Date"]
SALESFORCE = ["Opportunity ID", "Opportunity Name", "Account Name", "Stage", "Amount", "Opportunity Currency",
              "Probability (%)", "Close Date", "Created Date", "Opportunity Owner", "Forecast Category",
              "Lead Source", "Type", "Fiscal Period", "Next Step", "Age", "Stage Duration"]
PIPEDRIVE = ["Deal - ID", "Deal - Title", "Deal - Value", "Deal - Currency", "Deal - Stage", "Deal - Pipeline",
             "Deal - Status", "Deal - Owner", "Deal - Deal created", "Deal - Expected close date", "Deal - Won time",
             "Deal - Lost time", "Deal - Close time", "Deal - Probability"]
PIPEDRIVE_FR = ["Affaire - ID", "Affaire - Titre", "Affaire - Valeur", "Affaire - Devise", "Affaire - Étape",
                "Affaire - Pipeline", "Affaire - Statut", "Affaire - Propriétaire", "Affaire - Affaire créée",
                "Affaire - Date de clôture prévue", "Affaire - Date de gain", "Affaire - Date de perte"]
HOMEMADE_FR = ["Identifiant", "Nom de l'affaire", "Étape", "Statut", "Montant", "Devise", "Propriétaire",
               "Date de création", "Date de clôture", "Probabilité (%)", "Catégorie de prévision", "Région",
               "Secteur", "Produit", "Type d'affaire", "Source de la transaction", "Description"]
KAGGLE_LIKE = ["opportunity_id", "sales_agent", "product", "account", "deal_stage", "engage_date", "close_date",
               "close_value"]


@pytest.mark.parametrize("columns, fields", [
    (HUBSPOT, {"deal_id": "Record ID", "name": "Deal Name", "pipeline": "Pipeline", "stage": "Deal Stage",
               "amount": "Amount", "currency": "Deal currency code", "owner": "Deal owner",
               "created_on": "Create Date", "close_on": "Close Date", "probability": "Deal probability",
               "forecast_category": "Forecast category"}),
    (SALESFORCE, {"deal_id": "Opportunity ID", "name": "Opportunity Name", "stage": "Stage", "amount": "Amount",
                  "currency": "Opportunity Currency", "owner": "Opportunity Owner", "created_on": "Created Date",
                  "close_on": "Close Date", "probability": "Probability (%)",
                  "forecast_category": "Forecast Category"}),
    (PIPEDRIVE, {"deal_id": "Deal - ID", "name": "Deal - Title", "pipeline": "Deal - Pipeline",
                 "stage": "Deal - Stage", "status": "Deal - Status", "amount": "Deal - Value",
                 "currency": "Deal - Currency", "owner": "Deal - Owner", "created_on": "Deal - Deal created",
                 "close_on": "Deal - Close time", "probability": "Deal - Probability"}),
    (PIPEDRIVE_FR, {"deal_id": "Affaire - ID", "name": "Affaire - Titre", "pipeline": "Affaire - Pipeline",
                    "stage": "Affaire - Étape", "status": "Affaire - Statut", "amount": "Affaire - Valeur",
                    "currency": "Affaire - Devise", "owner": "Affaire - Propriétaire",
                    "created_on": "Affaire - Affaire créée", "close_on": "Affaire - Date de gain"}),
    (HOMEMADE_FR, {"deal_id": "Identifiant", "name": "Nom de l'affaire", "stage": "Étape", "status": "Statut",
                   "amount": "Montant", "currency": "Devise", "owner": "Propriétaire",
                   "created_on": "Date de création", "close_on": "Date de clôture", "probability": "Probabilité (%)",
                   "forecast_category": "Catégorie de prévision"}),
    (KAGGLE_LIKE, {"deal_id": "opportunity_id", "stage": "deal_stage", "amount": "close_value",
                   "owner": "sales_agent", "close_on": "close_date"}),
    (["ID", "Opportunité", "Phase", "Valeur", "Responsable", "Créé le", "Date de clôture prévue", "Probabilité"],
     {"deal_id": "ID", "name": "Opportunité", "stage": "Phase", "amount": "Valeur", "owner": "Responsable",
      "created_on": "Créé le", "close_on": "Date de clôture prévue", "probability": "Probabilité"}),
    (["Deal", "Status", "Deal size", "Rep", "created_at", "Expected close"],
     {"name": "Deal", "status": "Status", "amount": "Deal size", "owner": "Rep", "created_on": "created_at",
      "close_on": "Expected close"}),
    (["Name", "Stage", "Revenue", "Sales rep", "date_created"],
     {"name": "Name", "stage": "Stage", "amount": "Revenue", "owner": "Sales rep", "created_on": "date_created"}),
    (["Name", "Stage", "Deal value", "Owner", "Created on", "Commercial"],
     {"name": "Name", "stage": "Stage", "amount": "Deal value", "owner": "Owner", "created_on": "Created on"}),
    (["StageName", "CreatedDate", "CloseDate", "OpportunityId"],   # API field names (CamelCase)
     {"deal_id": "OpportunityId", "stage": "StageName", "created_on": "CreatedDate", "close_on": "CloseDate"}),
    (["Deal", "Stage", "Montant HT", "Ammount"],                   # contains fallback beats close spelling
     {"name": "Deal", "stage": "Stage", "amount": "Montant HT"}),
    (["Stage", "Ammount", "Created By", "Last Stage Change"],       # close spelling; 'Created By' is not a date
     {"stage": "Stage", "amount": "Ammount"}),
])
def test_map_deal_columns_fields(columns, fields):
    assert m.map_deal_columns(columns).fields == fields


@pytest.mark.parametrize("columns, extras, ignored", [
    (HUBSPOT, ["Deal Type", "Original Source Type"], ["Last Modified Date"]),
    (SALESFORCE, ["Account Name", "Lead Source", "Type", "Fiscal Period"], ["Next Step", "Age", "Stage Duration"]),
    (HOMEMADE_FR, ["Région", "Secteur", "Produit", "Type d'affaire", "Source de la transaction"], ["Description"]),
    (KAGGLE_LIKE, ["product", "account"], ["engage_date"]),
    (["Stage", "Segment", "Team", "Territory", "Company size", "Account ID", "Notes", "Deal - Update time"],
     ["Segment", "Team", "Territory", "Company size"], ["Account ID", "Notes", "Deal - Update time"]),
])
def test_map_deal_columns_extras_and_ignored(columns, extras, ignored):
    result = m.map_deal_columns(columns)
    assert result.extras == extras
    assert result.ignored == ignored


@pytest.mark.parametrize("header, label", [
    ('Date entered "Appointment Scheduled (Sales Pipeline)"', "Appointment Scheduled"),
    ('Date entered "Closed won (Renewals)"', "Closed won"),
    ("Date entered Qualified to buy", "Qualified to buy"),
    ("Date entered Contract sent (Sales Pipeline)", "Contract sent"),
    ("Date d'entrée dans l'étape « Rendez-vous programmé »", "Rendez-vous programmé"),
    ('Date d’entrée "Contrat envoyé (Pipeline de ventes)"', "Contrat envoyé"),
    ("Date exited \"Contract sent (Sales Pipeline)\"", None),
    ("Create Date", None),
])
def test_entered_stage_label(header, label):
    assert m.entered_stage_label(header) == label


def test_entered_on_columns_are_not_used_for_fields():
    columns = ["Deal Stage", 'Date entered "Closed won (Sales Pipeline)"', 'Date entered "Qualified to buy (X)"']
    result = m.map_deal_columns(columns)
    assert result.entered_on == {columns[1]: "Closed won", columns[2]: "Qualified to buy"}
    assert result.fields == {"stage": "Deal Stage"}
    assert result.ignored == []


@pytest.mark.parametrize("columns, close_on, fallbacks", [
    (PIPEDRIVE, "Deal - Close time", ["Deal - Won time", "Deal - Lost time", "Deal - Expected close date"]),
    (PIPEDRIVE_FR, "Affaire - Date de gain", ["Affaire - Date de perte", "Affaire - Date de clôture prévue"]),
    (["Stage", "Date de clôture prévue", "Date de clôture"], "Date de clôture", ["Date de clôture prévue"]),
    (HUBSPOT, "Close Date", []),
])
def test_close_fallbacks(columns, close_on, fallbacks):
    result = m.map_deal_columns(columns)
    assert result.fields["close_on"] == close_on
    assert result.close_fallbacks == fallbacks
    assert not set(fallbacks) & set(result.ignored)


@pytest.mark.parametrize("columns, amount, currency, ignored", [
    (["Deal Stage", "Amount", "Amount in company currency", "Deal currency code"],
     "Amount in company currency", None, ["Amount", "Deal currency code"]),
    (["Stage", "Amount", "Amount Currency", "Amount (converted)", "Amount (converted) Currency"],
     "Amount (converted)", "Amount (converted) Currency", ["Amount", "Amount Currency"]),
    (["Stage", "Amount", "Amount Currency"], "Amount", "Amount Currency", []),
])
def test_currency_follows_the_amount_chosen(columns, amount, currency, ignored):
    result = m.map_deal_columns(columns)
    assert result.fields["amount"] == amount
    assert result.fields.get("currency") == currency
    assert result.ignored == ignored


@pytest.mark.parametrize("overrides, expected", [
    ({"created_on": "engage_date"}, {"created_on": "engage_date", "amount": "close_value"}),
    ({"amount": "close_value", "created_on": "engage_date"}, {"created_on": "engage_date", "amount": "close_value"}),
    ({"created_on": "ENGAGE DATE"}, {"created_on": "engage_date"}),                # same normalised header
    ({"close_on": "engage_date"}, {"close_on": "engage_date"}),                    # close_date then unused
    ({"amount": ""}, {"amount": None}),                                            # unmap a field
    ({"owner": "product"}, {"owner": "product"}),
])
def test_deal_overrides(overrides, expected):
    result = m.map_deal_columns(KAGGLE_LIKE, overrides)
    for name, column in expected.items():
        assert result.fields.get(name) == column
    used = list(result.fields.values())
    assert len(used) == len(set(used))
    assert not set(used) & set(result.extras + result.ignored)


def test_override_can_use_a_date_entered_column():
    columns = ["Deal Stage", "Close Date", 'Date entered "Closed won (Sales Pipeline)"']
    result = m.map_deal_columns(columns, {"close_on": columns[2]})
    assert result.fields == {"stage": "Deal Stage", "close_on": columns[2]}
    assert result.entered_on == {}
    assert result.ignored == ["Close Date"]


def test_override_with_a_close_date_column_keeps_no_fallbacks():
    result = m.map_deal_columns(PIPEDRIVE, {"close_on": "Deal - Expected close date"})
    assert result.fields["close_on"] == "Deal - Expected close date"
    assert result.close_fallbacks == []
    assert "Deal - Won time" in result.ignored


@pytest.mark.parametrize("overrides, message", [
    ({"amount": "close_valeu"}, "close_value"),
    ({"amount": "nothing like it"}, "columns are"),
    ({"amout": "close_value"}, "did you mean amount"),
    ({"amount": "close_value", "probability": "close_value"}, "mapped twice"),
])
def test_bad_override_raises_one_line_error(overrides, message):
    with pytest.raises(m.MappingError) as error:
        m.map_deal_columns(KAGGLE_LIKE, overrides)
    assert message in str(error.value)
    assert "\n" not in str(error.value)


# --------------------------------------------------------------------------- 1:1s and history

@pytest.mark.parametrize("columns, expected", [
    (["Manager", "Employee", "Date", "Duration (min)"],
     {"manager": "Manager", "employee": "Employee", "met_on": "Date", "duration_minutes": "Duration (min)"}),
    (["Responsable", "Collaborateur", "Date de l'entretien", "Durée (min)"],
     {"manager": "Responsable", "employee": "Collaborateur", "met_on": "Date de l'entretien",
      "duration_minutes": "Durée (min)"}),
    (["Manager name", "Employé", "Meeting date", "Notes"],
     {"manager": "Manager name", "employee": "Employé", "met_on": "Meeting date"}),
])
def test_map_one_on_one_columns(columns, expected):
    assert m.map_one_on_one_columns(columns) == expected


def test_one_on_one_override_and_missing_required():
    fields = m.map_one_on_one_columns(["Lead", "Person", "When"], {"manager": "Lead", "met_on": "When"})
    assert fields == {"manager": "Lead", "met_on": "When"}
    assert m.missing_required("one_on_ones", fields) == ["employee"]


@pytest.mark.parametrize("columns, expected", [
    (["Id", "OpportunityId", "CreatedById", "CreatedDate", "StageName", "Amount", "CloseDate", "Probability",
      "PrevAmount", "PrevCloseDate", "FromOpportunityStageName"],
     {"deal_id": "OpportunityId", "stage": "StageName", "from_stage": "FromOpportunityStageName",
      "changed_on": "CreatedDate", "amount": "Amount", "close_on": "CloseDate", "probability": "Probability"}),
    (["Opportunity ID", "Opportunity Name", "Field / Event", "Old Value", "New Value", "Edit Date"],
     {"deal_id": "Opportunity ID", "stage": "New Value", "from_stage": "Old Value", "changed_on": "Edit Date",
      "event": "Field / Event"}),
])
def test_map_history_columns(columns, expected):
    assert m.map_history_columns(columns) == expected


# --------------------------------------------------------------------------- kind

SURVEY_GOOGLE = ["Timestamp", "Email address", "Department",
                 "How likely are you to recommend this company as a place to work?", "I feel valued at work"]
SURVEY_MS_FR = ["ID", "Heure de début", "Heure de fin", "Adresse de messagerie", "Nom",
                "Je me sens reconnu(e) dans mon travail", "Mon responsable me fait des retours utiles", "Service"]
SURVEY_MONKEY = ["Respondent ID", "Collector ID", "Start Date", "End Date", "IP Address",
                 "I understand how my work contributes to company goals",
                 "I have the resources I need to do my job well"]


@pytest.mark.parametrize("columns, kind", [
    (HUBSPOT, "deals"), (SALESFORCE, "deals"), (PIPEDRIVE, "deals"), (PIPEDRIVE_FR, "deals"),
    (HOMEMADE_FR, "deals"), (KAGGLE_LIKE, "deals"),
    (SURVEY_GOOGLE, "survey"), (SURVEY_MS_FR, "survey"), (SURVEY_MONKEY, "survey"),
    (["Horodateur", "Quelle est la probabilité que vous recommandiez notre entreprise ? (0-10)"], "survey"),
    (["Manager", "Employee", "Date", "Duration"], "one_on_ones"),
    (["Responsable", "Collaborateur", "Date de l'entretien", "Durée (min)"], "one_on_ones"),
    (["OpportunityId", "StageName", "CreatedDate", "FromOpportunityStageName", "PrevAmount"], "stage_history"),
    (["Opportunity ID", "Stage", "Created Date", "Last Modified", "Amount"], "stage_history"),
    (["Opportunity ID", "Field / Event", "Old Value", "New Value", "Edit Date"], "stage_history"),
    (["Opportunity ID", "Opportunity Name", "Stage", "Created Date", "Last Modified Date"], "deals"),
    (["foo", "bar"], None),
    (["Stage"], None),
    ([], None),
])
def test_detect_kind(columns, kind):
    assert m.detect_kind(columns) == kind


@pytest.mark.parametrize("kind, mapping, missing", [
    ("deals", m.DealMapping({"stage": "Deal Stage"}), []),
    ("deals", m.DealMapping({"amount": "Amount"}), ["stage"]),
    ("one_on_ones", {"manager": "M", "employee": "E", "met_on": "D"}, []),
    ("one_on_ones", {"employee": "E"}, ["manager", "met_on"]),
    ("stage_history", {"deal_id": "Id", "stage": "S"}, ["changed_on"]),
    ("survey", survey_mapping.SurveyMapping(questions=["Q1"]), []),
    ("survey", survey_mapping.SurveyMapping(), ["enps"]),
])
def test_missing_required(kind, mapping, missing):
    assert m.missing_required(kind, mapping) == missing


# --------------------------------------------------------------------------- surveys

ENPS_EN = "How likely are you to recommend this company as a place to work?"
ENPS_FR = "Quelle est la probabilité que vous recommandiez notre entreprise comme employeur ? (1-10)"
COMMENT = "What is one thing we should change?"


def survey_sample() -> pd.DataFrame:
    return pd.DataFrame({
        "Timestamp": ["2026-10-01 09:00", "2026-10-01 10:00", "2026-10-02 11:00", "2026-10-03 08:00"],
        "Email": ["a@example.com", "b@example.com", None, "d@example.com"],
        "Name": ["Ann", "Bob", "Cy", "Di"],
        "EmployeeID": ["E1", "E2", "E3", "E4"],
        "Matricule": ["001", "002", "003", "004"],
        "Contact": ["x@example.org", "y@example.org", "z@example.org", None],
        "Department": ["Sales", "IT", "Sales", "IT"],
        "Équipe": ["A", "B", "A", "A"],
        "Ancienneté": ["1-3 ans", "< 1 an", "1-3 ans", "> 3 ans"],
        "Contract": ["CDI", "CDD", "CDI", "CDI"],
        ENPS_EN: ["9", "10", None, "3"],
        "I feel valued at work": ["4", "5", "2", None],
        "Mon responsable me fait des retours utiles": ["Plutôt d'accord", "Tout à fait d'accord",
                                                       "Pas du tout d'accord", "Ni d'accord ni pas d'accord"],
        "My workload is manageable": ["Strongly agree", "Agree", "Disagree", "Neutral"],
        COMMENT: ["Faster laptops for the data team.", None, "Clearer career paths, please.",
                  "Keep the Friday demos, they are great."],
        "Commentaire": [None, None, None, None],
        "Wave": ["2026-Q4"] * 4,
        "Start time": ["2026-10-01 08:59", "2026-10-01 09:58", "2026-10-02 10:50", "2026-10-03 07:55"],
    })


def test_map_survey_columns_english_sample():
    result = survey_mapping.map_survey_columns(survey_sample())
    assert result.enps == ENPS_EN
    assert result.enps_scale == "0-10"          # no wording, too few answers to call it 1-10
    assert result.date == "Timestamp"
    assert result.wave == "Wave"
    assert result.groups == {"Department": "department", "Équipe": "team", "Ancienneté": "tenure",
                             "Contract": "contract"}
    assert result.questions == ["I feel valued at work", "Mon responsable me fait des retours utiles",
                                "My workload is manageable"]
    assert result.comments == [COMMENT, "Commentaire"]
    assert result.identifiers == ["Email", "Name", "EmployeeID", "Matricule", "Contact"]
    assert result.ignored == ["Start time"]


@pytest.mark.parametrize("header, answers, scale", [
    (ENPS_FR, ["8", "10", "6"], "1-10"),                                  # wording
    (ENPS_FR, ["0", "10"], "1-10"),                                       # wording wins over values
    ("Recommanderiez-vous notre entreprise ? (0-10)", ["9"], "0-10"),
    ("Sur une échelle de 0 à 10, recommanderiez-vous l'entreprise ?", ["9"], "0-10"),
    ("Sur une échelle de 1 à 10, recommanderiez-vous l'entreprise ?", ["0"], "1-10"),
    (ENPS_EN, ["0", "7", "9"], "0-10"),                                   # a 0 was answered
    (ENPS_EN, ["3", "7", "9"], "0-10"),                                   # 3 answers: too few to judge
    (ENPS_EN, ["3", "7", "9"] * 10, "1-10"),                              # 30 answers, none below 1
    (ENPS_EN, [None, None, None], None),                                  # nothing to tell
    ("Note sur 10 : recommanderiez-vous l'entreprise ?", ["0", "5"], "0-10"),  # 'sur 10' alone says nothing
])
def test_enps_scale(header, answers, scale):
    sample = pd.DataFrame({"Horodateur": ["2026-10-01"] * len(answers), header: answers})
    result = survey_mapping.map_survey_columns(sample)
    assert result.enps == header
    assert result.enps_scale == scale
    assert result.date == "Horodateur"


@pytest.mark.parametrize("header", ["Email", "E-mail", "Adresse e-mail", "Courriel", "Name", "Nom", "Prénom",
                                    "First Name", "Last name", "Full name", "EmployeeID", "Employee ID",
                                    "Matricule", "ID salarié", "Respondent ID", "Response ID", "Network ID",
                                    "IP Address", "Phone", "#"])
def test_identifier_headers(header):
    sample = pd.DataFrame({header: ["x1", "x2"], "Q1": ["4", "5"]})
    assert survey_mapping.map_survey_columns(sample).identifiers == [header]


@pytest.mark.parametrize("header, expected", [
    ("Manager name", {"Manager name": "manager"}),     # a group, not a respondent identifier
    ("Service", {"Service": "department"}),
    ("Pays", {"Pays": "location"}),
    ("BusinessUnit", {"BusinessUnit": "department"}),
])
def test_group_headers(header, expected):
    sample = pd.DataFrame({header: ["x1", "x2"], "Q1": ["4", "5"]})
    assert survey_mapping.map_survey_columns(sample).groups == expected


def test_survey_overrides():
    sample = survey_sample()
    overrides = {"enps": "", "date": "Start time", "wave": "", "group:contract": "Contract",
                 "question": ["I feel valued at work"], "ignore": ["Department", COMMENT], "comment": "Équipe"}
    result = survey_mapping.map_survey_columns(sample, overrides)
    assert result.enps is None and result.enps_scale is None
    assert result.date == "Start time"
    assert result.wave is None
    assert result.groups == {"Contract": "contract", "Ancienneté": "tenure"}
    assert result.questions == ["I feel valued at work", "Mon responsable me fait des retours utiles",
                                "My workload is manageable"]
    assert result.comments == ["Équipe", "Commentaire"]
    assert set(result.ignored) == {"Department", COMMENT, ENPS_EN, "Timestamp", "Wave"}


@pytest.mark.parametrize("overrides, message", [
    ({"group:team": "Email"}, "respondent identifiers"),
    ({"question": "Contact"}, "respondent identifiers"),
    ({"enps": "How likely?"}, "not found"),
    ({"groups": "Department"}, "unknown survey field"),
    ({"group:": "Department"}, "unknown survey field"),
    ({"question": "Department", "ignore": "Department"}, "mapped twice"),
])
def test_bad_survey_overrides(overrides, message):
    with pytest.raises(m.MappingError, match=message):
        survey_mapping.map_survey_columns(survey_sample(), overrides)


@pytest.mark.parametrize("cell, value", [
    ("4", 4), ("4.0", 4), (" 5 ", 5), ("4 - Agree", 4), ("Tout à fait d’accord", 5),
    ("Plutôt pas d'accord", 2), ("Ni d'accord, ni pas d'accord", 3), ("Strongly disagree", 1),
    ("Très satisfait", 5), ("maybe", None), ("", None), (None, None), (float("nan"), None),
    ("10 - Extremely likely", 10), ("1. Strongly disagree", 1), ("3) Neutral", 3), ("4.5 stars", None),
])
def test_likert_value(cell, value):
    assert survey_mapping.likert_value(cell) == value


# --------------------------------------------------------------------------- stages

@pytest.mark.parametrize("raw, label", [
    ("appointmentscheduled", "Appointment scheduled"), ("closedwon", "Closed won"),
    ("  Qualified   to buy ", "Qualified to buy"), ("Négociation", "Négociation"), (None, ""),
])
def test_stage_label(raw, label):
    assert pipelines.stage_label(raw) == label


HUBSPOT_OPEN = [("Appointment scheduled", 0.2), ("Qualified to buy", 0.4), ("Presentation scheduled", 0.6),
                ("Decision maker bought-in", 0.8), ("Contract sent", 0.9)]


@pytest.mark.parametrize("seen, open_stages, won, lost, source", [
    # Only the stages seen, in the template's order with its probabilities: a template stage no deal is in is
    # never added (issue 15), open, won or lost.
    (["qualifiedtobuy", "closedwon", "appointmentscheduled", "closedlost"], HUBSPOT_OPEN[:2],
     ["Closed won"], ["Closed lost"], "template:hubspot"),
    (["Contract sent", "Closed won", "Appointment scheduled"], [HUBSPOT_OPEN[0], HUBSPOT_OPEN[4]], ["Closed won"],
     [], "template:hubspot"),
    (["Rendez-vous programmé", "Décisionnaire acquis", "Conclue gagnée", "Fermée perdue"],
     [("Rendez-vous programmé", 0.2), ("Décisionnaire acquis", 0.8)], ["Conclue gagnée"], ["Fermée perdue"],
     "template:hubspot"),
    (["Prospecting", "Needs Analysis", "Closed Won", "Negotiation/Review"],
     [("Prospecting", 0.1), ("Needs Analysis", 0.2), ("Negotiation/Review", 0.9)], ["Closed Won"], [],
     "template:salesforce"),
    (["Prospection", "Qualification", "Proposition/Devis", "Fermée gagnée", "Fermée perdue"],
     [("Prospection", 0.1), ("Qualification", 0.1), ("Proposition/Devis", 0.75)], ["Fermée gagnée"],
     ["Fermée perdue"], "template:salesforce"),
    (["Qualifié", "Contact établi", "Négociations commencées"],
     [("Qualifié", 0.2), ("Contact établi", 0.4), ("Négociations commencées", 0.9)], [], [], "template:pipedrive"),
    # an extra name is kept; with no data, its name places it: 'Pilot' (no template's) after the first quarter
    # of HubSpot's stages, with the probability of its neighbour
    (["Appointment scheduled", "Qualified to buy", "Closed won", "Won", "Pilot"],
     HUBSPOT_OPEN[:2] + [("Pilot", 0.4)], ["Closed won", "Won"], [], "template:hubspot"),
])
def test_known_stage_config(seen, open_stages, won, lost, source):
    config = pipelines.known_stage_config("Sales Pipeline", seen)
    assert config == pipelines.StageConfig("Sales Pipeline", open_stages, won, lost, source)


@pytest.mark.parametrize("seen", [
    ["Discovery", "Demo", "Closed won", "Closed lost"],       # only the won/lost names are HubSpot's
    ["Qualification", "Discovery", "Demo"],                   # one Salesforce name among others
    [],
])
def test_no_known_stage_config(seen):
    assert pipelines.known_stage_config("p", seen) is None


def test_a_single_stage_seen_that_belongs_to_a_template_is_enough():
    assert pipelines.known_stage_config("p", ["Qualification"]).source == "template:salesforce"


def _one_file(stages: list[str], probabilities: dict | None = None) -> pd.DataFrame:
    """One deal per stage, in this order, with its exported probability when given."""
    probabilities = probabilities or {}
    return pd.DataFrame({"deal_id": [f"d{i}" for i in range(len(stages))], "stage": stages,
                         "probability": [probabilities.get(s) for s in stages]})


def test_detect_config_by_probabilities():
    seen = ["Demo", "Won", "Discovery", "Perdu", "Proposal", "Disqualified"]
    probs = {"Demo": 0.3, "Discovery": 0.1, "Proposal": 0.6, "Won": 1.0}
    config = stage_config.detect_config("p", _one_file(seen, probs), ENTERED[:0])
    assert config == pipelines.StageConfig("p", [("Discovery", 0.1), ("Demo", 0.3), ("Proposal", 0.6)],
                                           ["Won"], ["Perdu", "Disqualified"], "probabilities")
    percent = stage_config.detect_config("p", _one_file(seen, {"Demo": 30, "Discovery": 10, "Proposal": 60}),
                                         ENTERED[:0])
    assert percent.open_stages == [("Discovery", 0.1), ("Demo", 0.3), ("Proposal", 0.6)]


ENTERED = pd.DataFrame({"deal_id": "x", "stage": ["A", "B", "C"], "entered_on": pd.NaT})


@pytest.mark.parametrize("probs, days, order, source", [
    ({"A": 1.0, "B": 1.0, "C": 1.0}, {"A": 3, "B": 1, "C": 2}, ["B", "C", "A"], "entry_dates"),  # all 100 %
    ({"A": 0.5}, None, ["A", "B", "C"], "first_seen"),                                        # partial
    (None, {"A": 2, "B": 2, "C": 1}, ["C", "A", "B"], "first_seen"),       # A and B entered the same day
    (None, None, ["A", "B", "C"], "first_seen"),
])
def test_detect_config_order(probs, days, order, source):
    entered = ENTERED.assign(entered_on=[pd.Timestamp(2026, 1, days[s]) for s in "ABC"]) if days else ENTERED[:0]
    config = stage_config.detect_config("p", _one_file(["A", "B", "C", "Gagné"], probs), entered)
    assert [s for s, _ in config.open_stages] == order
    assert [p for _, p in config.open_stages] == [0.1, 0.5, 0.9]
    assert config.won == ["Gagné"] and config.lost == [] and config.source == source


@pytest.mark.parametrize("raw, status", [
    ("won", "won"), ("Gagné", "won"), ("Closed Won", "won"), ("signée", "won"), ("closedwon", "won"),
    ("Perdu", "lost"), ("Closed - Lost", "lost"), ("abandonné", "lost"), ("Disqualified", "lost"),
    ("Abandoned", "lost"), ("Canceled", "lost"), ("Cancelled", "lost"), ("Annulée", "lost"),  # Copper, Dynamics…
    ("open", "open"), ("Ouvert", "open"), ("Won't buy", None), ("Demo", None), ("", None),
])
def test_status_value(raw, status):
    assert pipelines.status_value(raw) == status


def test_stage_config_status_of():
    config = pipelines.known_stage_config("p", ["closedwon", "closedlost", "contractsent"])
    assert [config.status_of(s) for s in ["closedwon", "Closed Lost", "Contract sent"]] == ["won", "lost", "open"]


@pytest.mark.parametrize("header, answers, kind", [
    # Short answers to an open question are comments, never a breakdown (issue 14: "Fine.", "Good.", "Ok.").
    ("What is one thing we should change", ["Fine.", "Good.", "Ok.", "Fine.", "Ok."], "comments"),
    ("Une chose à changer ?", ["Rien", "Rien", "Le café", "Rien"], "comments"),
    # Answers on a 1-5 scale under a header that mentions a manager or a team are questions about them.
    ("q3_manager_support", ["4", "5", "2", "4", "3"], "questions"),
    ("Manager support", ["4", "5", "2", "4", "3"], "questions"),
    ("Q7 Team spirit", ["Agree", "Strongly agree", "Neutral", "Agree"], "questions"),
    # Category names under a category header remain groups.
    ("Team", ["Alpha", "Beta", "Alpha", "Beta"], "groups"),
    ("Site", ["Lyon", "Paris", "Lyon", "Lyon"], "groups"),
    ("Contract", ["CDI", "CDD", "CDI", "CDI"], "groups"),
    ("Which team are you in?", ["Sales", "Ops", "Sales", "Sales"], "groups"),   # a group asked as a question
    ("Quel est votre type de contrat ?", ["CDI", "CDD", "CDI", "CDI"], "groups"),
    ("Nom du service", ["RH", "IT", "RH", "IT"], "groups"),
])
def test_answer_columns_are_never_groups(header, answers, kind):
    sample = pd.DataFrame({header: answers, "Q1": ["4"] * len(answers)})
    result = survey_mapping.map_survey_columns(sample)
    found = [name for name in ("groups", "questions", "comments", "ignored") if header in getattr(result, name)]
    assert found == [kind]


@pytest.mark.parametrize("header", [
    "Loss_Reason__c", "LossReason__c", "Loss Reason", "Closed lost reason", "Closed Lost Reason", "Lost reason",
    "Deal - Lost reason", "Motif de perte", "Raison de la perte", "Raison perdu", "Raison de la perte de l'affaire",
])
def test_a_loss_reason_column_is_mapped_to_loss_reason(header):
    found = m.map_deal_columns(["Deal Name", "Deal Stage", "Close Date", "Amount", header])
    assert found.fields["loss_reason"] == header
    assert found.fields["close_on"] == "Close Date" and header not in found.extras


def test_a_header_named_like_the_reserved_attribute_is_never_an_extra():
    from analytics.store.schema import LOSS_REASON_ATTRIBUTE
    found = m.map_deal_columns(["Deal Stage", "Lost reason", LOSS_REASON_ATTRIBUTE])
    assert found.fields["loss_reason"] == "Lost reason"
    assert LOSS_REASON_ATTRIBUTE not in found.extras and LOSS_REASON_ATTRIBUTE in found.ignored


@pytest.mark.parametrize(("columns", "expected"), [
    # Dynamics 365 opportunities
    (["(Do Not Modify) Opportunity", "(Do Not Modify) Modified On", "Topic", "Est. Close Date", "Est. Revenue",
      "Pipeline Phase", "Owner"],
     {"deal_id": "(Do Not Modify) Opportunity", "name": "Topic", "close_on": "Est. Close Date",
      "amount": "Est. Revenue", "stage": "Pipeline Phase", "owner": "Owner"}),
    # Odoo CRM leads: "Expected Revenue" is the deal's value there
    (["ID", "Opportunity", "Expected Revenue", "Stage", "Salesperson", "Expected Closing"],
     {"deal_id": "ID", "name": "Opportunity", "amount": "Expected Revenue", "stage": "Stage", "owner": "Salesperson",
      "close_on": "Expected Closing"}),
    # Zoho: Amount is the value, Expected Revenue the weighted one, left aside
    (["Record Id", "Deal Name", "Expected Revenue", "Amount", "Stage", "Closing Date"],
     {"deal_id": "Record Id", "name": "Deal Name", "amount": "Amount", "stage": "Stage", "close_on": "Closing Date"}),
])
def test_more_crm_exports_headers(columns, expected):
    fields = m.map_deal_columns(columns).fields
    assert {k: fields.get(k) for k in expected} == expected


def test_a_french_pipedrive_export_closes_won_deals_on_their_won_date():
    columns = ["Affaire - ID", "Affaire - Étape", "Affaire - Valeur", "Affaire - Date de clôture prévue",
               "Affaire - Date de l'affaire conclue", "Affaire - Date de perte"]
    found = m.map_deal_columns(columns)
    assert found.fields["close_on"] == "Affaire - Date de l'affaire conclue"
    assert found.close_fallbacks == ["Affaire - Date de perte", "Affaire - Date de clôture prévue"]
