//! The answer link's page (spec §7): `GET /answer/{token}` shows the question and the
//! conversation so far, `POST /answer/{token}` (an HTML form) answers it under exactly the rules
//! of `POST /cases/{id}/input`. No API key: the signed token is the permission, for one input
//! request of one case, until it expires; once the request is answered the link only says so.
//! The page is self-contained (no scripts, styles inline, no external assets), every text from
//! the case is escaped, and forged form posts are refused (a check value only this page carries,
//! and `Sec-Fetch-Site` when the browser sends it).

use crate::AppState;
use crate::error::ApiError;
use crate::extract::read_body;
use crate::pages::{document, escape, message_page, page};
use crate::response::now_ms;
use crate::rules::Trimmed;
use crate::store::Wait;
use axum::Router;
use axum::body::Body;
use axum::extract::{Path, Request, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::get;
use offload_core::answer_link::{AnswerGrant, LinkProblem};
use offload_workflows::CaseStatus;
use offload_workflows::CaseView;
use offload_workflows::state::{InputRequestStatus, ProvidedInput};
use offload_workflows::view::iso8601_seconds;
use uuid::Uuid;

/// The largest form accepted: an 8000-character answer, percent-encoded.
const MAX_FORM_BYTES: usize = 128 * 1024;
/// The newest part of the conversation shown, in characters.
const SHOWN_CHARS: usize = 20_000;

/// The page's form.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)] // Read field by field from the form; this type describes it.
pub struct AnswerForm {
    /// The answer; 1..8000 characters after trimming.
    #[schema(inline)]
    answer: Trimmed<1, 8000>,
    /// The value the page carries; a post without it is refused.
    check: String,
}

pub fn router() -> Router<AppState> {
    Router::new().route("/answer/{token}", get(show).post(submit))
}

/// The page for an answer link.
#[utoipa::path(
    get, path = "/answer/{token}", tag = "answer links",
    params(("token" = String, Path, description = "The token of an `answerUrl`")),
    responses(
        (status = 200, description = "The question, the conversation so far and a form", content_type = "text/html", body = String),
        (status = 404, description = "Not a valid link", content_type = "text/html", body = String),
        (status = 409, description = "The question was already answered, or the case no longer waits for it", content_type = "text/html", body = String),
        (status = 410, description = "The link has expired", content_type = "text/html", body = String),
        (status = 503, description = "The case cannot be read right now", content_type = "text/html", body = String),
    )
)]
pub async fn show(State(state): State<AppState>, Path(token): Path<String>) -> Response {
    form(&state, &token, StatusCode::OK, None).await
}

/// The form of a link that may still be answered (with `problem`, after a refused answer).
async fn form(
    state: &AppState,
    token: &str,
    status: StatusCode,
    problem: Option<&str>,
) -> Response {
    let opened = match open(state, token, true).await {
        Ok(opened) => opened,
        Err(page) => return page,
    };
    let question = opened
        .view
        .input_request
        .as_ref()
        .map_or("", |r| r.question.as_str());
    page(
        status,
        &form_page(
            state,
            token,
            &opened.grant,
            question,
            &opened.conversation,
            problem,
        ),
    )
}

/// Answer the question (the page's form).
#[utoipa::path(
    post, path = "/answer/{token}", tag = "answer links",
    params(("token" = String, Path, description = "The token of an `answerUrl`")),
    request_body(content = AnswerForm, content_type = "application/x-www-form-urlencoded"),
    responses(
        (status = 200, description = "The answer was handed to the case", content_type = "text/html", body = String),
        (status = 400, description = "The answer is empty or too long (the form again)", content_type = "text/html", body = String),
        (status = 403, description = "The post did not come from the page", content_type = "text/html", body = String),
        (status = 404, description = "Not a valid link", content_type = "text/html", body = String),
        (status = 409, description = "Already answered, or the case no longer waits for it", content_type = "text/html", body = String),
        (status = 410, description = "The link has expired", content_type = "text/html", body = String),
        (status = 413, description = "The form is too large", content_type = "text/html", body = String),
        (status = 503, description = "The case cannot be reached right now", content_type = "text/html", body = String),
    )
)]
pub async fn submit(
    State(state): State<AppState>,
    Path(token): Path<String>,
    request: Request<Body>,
) -> Response {
    let (parts, body) = request.into_parts();
    if !same_site(&parts.headers) {
        return message_page(
            StatusCode::FORBIDDEN,
            "This answer was not sent from its page",
            "Open the link you received and answer there.",
        );
    }
    let posted = match read_body(&parts.headers, body, MAX_FORM_BYTES).await {
        Ok(posted) => posted,
        Err(_) => {
            return message_page(
                StatusCode::PAYLOAD_TOO_LARGE,
                "This answer is too long",
                "Answers hold at most 8000 characters.",
            );
        }
    };
    let mut answer = None;
    let mut check = None;
    for (key, value) in url::form_urlencoded::parse(&posted) {
        match key.as_ref() {
            "answer" => answer = Some(value.into_owned()),
            "check" => check = Some(value.into_owned()),
            _ => {}
        }
    }
    if !check.is_some_and(|c| state.answer_links().form_check_matches(&token, &c)) {
        return message_page(
            StatusCode::FORBIDDEN,
            "This answer was not sent from its page",
            "Open the link you received and answer there.",
        );
    }
    let Opened { grant, view, .. } = match open(&state, &token, false).await {
        Ok(opened) => opened,
        Err(page) => return page,
    };
    let answer = match Trimmed::<1, 8000>::check(answer.as_deref().unwrap_or("")) {
        Ok(answer) => answer.into_inner(),
        Err(_) => {
            let problem = "Please write an answer of 1 to 8000 characters.";
            return form(&state, &token, StatusCode::BAD_REQUEST, Some(problem)).await;
        }
    };
    let case_id = parse_case_id(&grant);
    let input = ProvidedInput {
        input_request_id: grant.input_request_id.clone(),
        provided_context: answer,
    };
    match crate::cases::hand_over_input(&state, case_id, &view, input).await {
        Ok(()) => message_page(
            StatusCode::OK,
            "Thank you — your answer was sent",
            "The case continues with it. You can close this page.",
        ),
        Err(ApiError::InputRejected(_)) => not_waiting(&view, &grant),
        Err(error) => unavailable(&error),
    }
}

/// A link that may still be answered: what it grants, the case, and (when asked for, as the
/// form shows it) the conversation.
struct Opened {
    grant: AnswerGrant,
    view: CaseView,
    conversation: String,
}

/// The link behind `token` if it may still be answered; the page to show otherwise.
async fn open(state: &AppState, token: &str, with_conversation: bool) -> Result<Opened, Response> {
    let grant = match state.answer_links().verify(token, now_ms() / 1000) {
        Ok(grant) => grant,
        Err(LinkProblem::Invalid) => return Err(invalid_link()),
        Err(LinkProblem::Expired) => {
            return Err(message_page(
                StatusCode::GONE,
                "This link has expired",
                "Ask for the question again through your usual tools.",
            ));
        }
    };
    let case_id = parse_case_id(&grant);
    let record = match state
        .cases()
        .record(case_id, with_conversation, Wait::ForTheWorkflow)
        .await
    {
        Ok(Some(loaded)) => loaded.record,
        // A signed link to a case that is gone (retention) reads like any invalid link.
        Ok(None) => return Err(invalid_link()),
        Err(error) => return Err(unavailable(&error)),
    };
    let view = record.view;
    let pending = view.status == CaseStatus::InputNeeded
        && view.input_request.as_ref().is_some_and(|r| {
            r.id == grant.input_request_id && r.status == InputRequestStatus::Pending
        });
    if !pending {
        return Err(not_waiting(&view, &grant));
    }
    let conversation = match record.transcript {
        None if !with_conversation => None,
        Some(live) => {
            match crate::cases::rendered_conversation(
                state,
                &record.archived,
                live,
                &view.attachments,
                &record.readings,
            )
            .await
            {
                Ok(text) => text,
                Err(error) => return Err(unavailable(&error)),
            }
        }
        None => view.conversation_thread.clone().flatten(),
    };
    Ok(Opened {
        grant,
        view,
        conversation: conversation.unwrap_or_default(),
    })
}

/// Tokens are only minted for uuid case ids; a signed token always parses.
fn parse_case_id(grant: &AnswerGrant) -> Uuid {
    Uuid::parse_str(&grant.case_id).unwrap_or_default()
}

/// A cross-site form post is refused where the browser says so; browsers that do not send
/// `Sec-Fetch-Site` are held by the form check alone.
fn same_site(headers: &HeaderMap) -> bool {
    match headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        None => true,
        Some(site) => site == "same-origin" || site == "none",
    }
}

fn not_waiting(view: &CaseView, grant: &AnswerGrant) -> Response {
    let answered = view
        .human_inputs
        .iter()
        .any(|input| input.input_request_id == grant.input_request_id);
    if answered {
        message_page(
            StatusCode::CONFLICT,
            "This question was already answered",
            "Its answer reached the case; nothing more is needed.",
        )
    } else {
        message_page(
            StatusCode::CONFLICT,
            "This question no longer needs an answer",
            "The case has moved on without it.",
        )
    }
}

fn invalid_link() -> Response {
    message_page(
        StatusCode::NOT_FOUND,
        "This link is not valid",
        "Check that you opened the whole link you received.",
    )
}

fn unavailable(error: &ApiError) -> Response {
    tracing::warn!(%error, "answer page: the case cannot be reached");
    message_page(
        StatusCode::SERVICE_UNAVAILABLE,
        "The case cannot be reached right now",
        "Please try again in a minute.",
    )
}

/// The last `max` characters of a thread (its newest part), marked when cut.
fn latest(text: &str, max: usize) -> String {
    let count = text.chars().count();
    if count <= max {
        return text.to_string();
    }
    let start = text.char_indices().nth(count - max).map_or(0, |(at, _)| at);
    format!("… (earlier messages not shown)\n{}", &text[start..])
}

fn form_page(
    state: &AppState,
    token: &str,
    grant: &AnswerGrant,
    question: &str,
    conversation: &str,
    problem: Option<&str>,
) -> String {
    let mut body = String::new();
    body.push_str("<h1>A question for you</h1>");
    body.push_str(&format!(
        "<p class=\"question\" id=\"question\">{}</p>",
        escape(question)
    ));
    body.push_str("<section aria-labelledby=\"conversation\"><h2 id=\"conversation\">The conversation so far</h2>");
    body.push_str(&format!(
        "<pre id=\"thread\">{}</pre></section>",
        escape(&latest(conversation, SHOWN_CHARS))
    ));
    let expires = iso8601_seconds(grant.expires * 1000);
    body.push_str("<form method=\"post\">");
    if let Some(problem) = problem {
        body.push_str(&format!(
            "<p class=\"problem\" role=\"alert\">{}</p>",
            escape(problem)
        ));
    }
    body.push_str(&format!(
        "<label for=\"answer\">Your answer</label>\
<textarea id=\"answer\" name=\"answer\" rows=\"8\" maxlength=\"8000\" required></textarea>\
<input type=\"hidden\" name=\"check\" value=\"{}\">\
<button type=\"submit\">Send answer</button>\
<p class=\"meta\">This link works once, until {}.</p></form>",
        escape(&state.answer_links().form_check(token)),
        escape(&expires),
    ));
    document("A question for you", &body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_same_origin_or_direct_posts_are_taken() {
        let with = |site: &str| {
            let mut headers = HeaderMap::new();
            headers.insert("sec-fetch-site", site.parse().unwrap());
            same_site(&headers)
        };
        assert!(same_site(&HeaderMap::new()));
        assert!(with("same-origin"));
        assert!(with("none"));
        assert!(!with("cross-site"));
        assert!(!with("same-site"));
    }
}
