//! Texts through Amazon SNS, against moto: a published text reaches the number as written, a
//! malformed number is a refusal (never retried), an endpoint that cannot be reached is worth a
//! retry (SNS certainly did not take the text).

use offload_worker::sms::sns::SnsTexts;
use offload_worker::sms::{PreparedText, SendError, SendOutcome, TextSender};
use serde_json::Value;

async fn aws(endpoint: &str) -> aws_config::SdkConfig {
    offload_core::aws::sdk_config(Some(&endpoint.parse().unwrap())).await
}

fn text(to: &str, body: &str) -> PreparedText {
    PreparedText {
        case_id: uuid::Uuid::new_v4().to_string(),
        message_number: 1,
        to: to.into(),
        from: "+15555550199".into(),
        text: body.into(),
    }
}

#[tokio::test]
async fn a_published_text_reaches_the_number_as_written() {
    let moto = offload_testkit::moto_endpoint();
    let sender = SnsTexts::new(&aws(moto).await);
    let body = format!(
        "Hi Maya, could you send the signed W-9? {}",
        uuid::Uuid::new_v4()
    );
    let outcome = sender.send(&text("+15555550100", &body)).await.unwrap();
    let SendOutcome::Sent {
        provider_message_id: Some(id),
        ..
    } = outcome
    else {
        panic!("sent with SNS's message id: {outcome:?}");
    };
    // moto keeps what it was asked to deliver.
    let data: Value = reqwest::get(format!("{moto}/moto-api/data.json"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let delivered = data["sns"]["SMS"]
        .as_array()
        .unwrap()
        .iter()
        .find(|sms| sms["message_id"] == id.as_str())
        .unwrap_or_else(|| panic!("moto recorded no text {id}"));
    assert_eq!(delivered["phone_number"], "+15555550100");
    assert_eq!(delivered["message"], body.as_str());
}

#[tokio::test]
async fn a_malformed_number_is_refused_for_good_and_an_unreachable_sns_is_worth_a_retry() {
    let sender = SnsTexts::new(&aws(offload_testkit::moto_endpoint()).await);
    let refused = sender.send(&text("+1 555 0100", "hello")).await;
    assert!(
        matches!(refused, Err(SendError::Rejected(_))),
        "{refused:?}"
    );

    let closed = format!("http://127.0.0.1:{}", offload_testkit::free_port());
    let sender = SnsTexts::new(&aws(&closed).await);
    let unreachable = sender.send(&text("+15555550100", "hello")).await;
    assert!(
        matches!(unreachable, Err(SendError::Transient(_))),
        "{unreachable:?}"
    );
}
