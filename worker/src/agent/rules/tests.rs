//! The rules agent's reading and writing, case by case.

use super::*;
use offload_workflows::case::Goal;
use offload_workflows::state::{Direction, HumanInput};
use serde_json::json;

fn request(reply: &str, attachment: bool, schema: Option<Value>) -> AgentRequest {
    AgentRequest {
        case_id: "c".into(),
        goal: Goal {
            objective: "Get the signed W-9 form for Northstar Supplies.".into(),
            knowledge: None,
            private_knowledge: None,
        },
        counterparty: Counterparty {
            address: "ap@northstar.example".into(),
            name: "Maya Chen".into(),
            company: None,
            timezone: None,
            custom_data: None,
            allow_domain_replies: None,
        },
        sender_persona: SenderPersona {
            name: "Avery".into(),
            role: Some("Accounts Payable".into()),
            company: Some("Acme".into()),
            tone: None,
        },
        constraints: vec![],
        result_schema: schema,
        transcript: vec![TranscriptMessage {
            attachment_ids: if attachment {
                vec!["a1".into()]
            } else {
                vec![]
            },
            ..TranscriptMessage::new(Direction::Inbound, "m", reply)
        }],
        attachments: vec![],
        new_reply_indices: vec![0],
        human_inputs: vec![],
        answer_pending: false,
        follow_up_number: 1,
        archived: Vec::new(),
        attachment_texts: Vec::new(),
    }
}

#[test]
fn refusals_reject_whole_words_only() {
    for text in [
        "We are NOT interested.",
        "I decline",
        "Please unsubscribe me",
        "stop   emailing me",
    ] {
        assert!(
            matches!(
                evaluate(&request(text, false, None)),
                Decision::Rejected { .. }
            ),
            "{text}"
        );
    }
    assert!(!matches!(
        evaluate(&request("I declined nothing, done", false, None)),
        Decision::Rejected { .. }
    ));
}

#[test]
fn a_question_goes_to_the_client_quoted() {
    let decision = evaluate(&request(
        "Thanks. Which tax year should it cover? Let me know.",
        false,
        None,
    ));
    assert_eq!(
        decision,
        Decision::NeedsInput {
            question: "Maya Chen asked: \"Which tax year should it cover?\"".into(),
            reason: "The counterparty asked a question only the client can answer.".into()
        }
    );
}

#[test]
fn evidence_builds_the_result_from_the_schema() {
    let schema = json!({
        "type": "object",
        "properties": {
            "w9Received": {"type": "boolean"},
            "taxYear": {"type": "string"},
            "legalName": {"type": "string"}
        },
        "required": ["w9Received", "legalName"]
    });
    let decision = evaluate(&request(
        "Here is the form.\nLegal name: Northstar Supplies LLC\nTax year: 2025",
        true,
        Some(schema.clone()),
    ));
    let Decision::GoalAchieved { result, .. } = decision else {
        panic!("{decision:?}")
    };
    assert_eq!(
        result,
        json!({"w9Received": true, "taxYear": "2025", "legalName": "Northstar Supplies LLC"})
    );

    let decision = evaluate(&request("Done.", false, Some(schema)));
    let Decision::Reply { body, .. } = decision else {
        panic!("{decision:?}")
    };
    assert!(body.contains("- Legal Name"), "{body}");
}

#[test]
fn otherwise_it_asks_again() {
    assert!(matches!(
        evaluate(&request("Let me look into it", false, None)),
        Decision::Reply { .. }
    ));
}

#[test]
fn a_fresh_answer_is_relayed() {
    let mut r = request("Which year?", false, None);
    r.new_reply_indices.clear();
    r.human_inputs.push(HumanInput {
        input_request_id: "i".into(),
        question: "q".into(),
        provided_context: "Tax year 2025.".into(),
        provided_at: 0,
    });
    r.answer_pending = true;
    let Decision::Reply { body, .. } = evaluate(&r) else {
        panic!()
    };
    assert!(body.contains("Tax year 2025."));
}

#[test]
fn outreach_is_written_from_goal_and_persona() {
    let draft = outreach(&request("", false, None));
    assert_eq!(
        draft.subject,
        "Get the signed W-9 form for Northstar Supplies"
    );
    assert!(draft.body.starts_with("Hi Maya,"));
    assert!(draft.body.contains("I'm Avery, Accounts Payable at Acme."));
    assert!(
        draft
            .body
            .ends_with("Best regards,\nAvery\nAccounts Payable, Acme")
    );
}

#[test]
fn names_split_into_words() {
    assert_eq!(words_of("taxYear"), "tax year");
    assert_eq!(words_of("legal_name"), "legal name");
    assert_eq!(words_of("W9 Received"), "w9 received");
    assert_eq!(words_of("ein"), "ein");
}

#[test]
fn not_yet_is_not_done_and_a_sign_off_is_not_a_deferral() {
    for deferral in [
        "Sorry, the W-9 isn't signed yet. I attached what we have so far.",
        "I haven’t signed it yet, attached is what we have.",
        "We can't confirm the date yet; attached is the current plan.",
        "I'll have it done by Friday.",
        "The form will be attached to my next email once it is signed.",
        "Here is the unsigned draft.",
        "Anbei ein Entwurf, die Unterschrift folgt nächste Woche.",
    ] {
        assert!(NOT_YET.is_match(deferral), "{deferral}");
    }
    for confirmation in [
        "Attached is the signed W-9. Let me know if you will need anything else.",
        "Here is the signed W-9. Talk soon!",
        "Adjunto el W-9 firmado. ¡Hasta luego!",
        "Bijgevoegd vindt u de volgende documenten.",
        "Here is the signed form. Don't hesitate to reach out.",
    ] {
        assert!(!NOT_YET.is_match(confirmation), "{confirmation}");
    }
}

#[test]
fn a_two_cell_row_keeps_a_value_with_a_colon() {
    assert_eq!(
        labelled_values("Delivery time | 10:30\nInvoice number: INV-7"),
        vec![
            ("delivery time".to_string(), "10:30".to_string()),
            ("invoice number".to_string(), "INV-7".to_string())
        ]
    );
}
