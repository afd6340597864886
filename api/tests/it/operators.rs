//! What operators see: the README's visibility queries work, and each case has a readable
//! summary and current details in the Temporal UI.

use crate::harness::{case_body, spawn_app};
use serde_json::json;
use temporalio_client::WorkflowDescribeOptions;

#[tokio::test]
async fn the_readme_operator_queries_find_the_right_cases() {
    let app = spawn_app().await;
    let waiting = app.create_case(case_body()).await;
    app.wait_for_outreach(&waiting).await;
    app.reply(&waiting, "Which year?").await;
    app.wait_for_status(&waiting, "INPUT_NEEDED").await;
    let mut silent = case_body();
    silent["maxAttempts"] = json!(0);
    silent["followUpDelayHours"] = json!(1);
    silent["clientReferenceId"] = json!("po-77");
    let failed = app.create_case(silent).await;
    app.wait_for_status(&failed, "FAILED").await;

    // The tenant of this test's key (tenants are unique per test).
    let record = app
        .client
        .get_workflow_handle::<offload_workflows::CaseWorkflow>(waiting.clone())
        .describe(WorkflowDescribeOptions::default())
        .await
        .unwrap();
    let tenant_name = record
        .search_attributes()
        .get(&offload_workflows::search::OFFLOAD_TENANT)
        .unwrap();

    // The README's recipes, scoped to this test's tenant.
    let scoped = |query: &str| format!("{query} AND OffloadTenant = '{tenant_name}'");
    let expectations = [
        (scoped("OffloadStatus = 'INPUT_NEEDED'"), 1),
        (format!("OffloadTenant = '{tenant_name}'"), 2),
        (
            scoped("OffloadStatus = 'FAILED' AND OffloadResultStatus = 'max_retries'"),
            1,
        ),
        (scoped("OffloadClientReferenceId = 'po-77'"), 1),
        (scoped("OffloadCounterparty = 'ap@northstar.example'"), 2),
    ];
    for (query, expected) in expectations {
        let mut count = -1;
        for _ in 0..100 {
            count = app
                .client
                .count_workflows(query.clone(), Default::default())
                .await
                .unwrap()
                .count() as i64;
            if count == expected {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        assert_eq!(count, expected, "{query}");
    }

    // The same recipes through the Temporal CLI, as an operator runs them.
    let cli = |query: &str| {
        let output = std::process::Command::new(crate::harness::temporal_binary())
            .args(["workflow", "list", "--address"])
            .arg(
                app.config
                    .temporal_address
                    .as_str()
                    .trim_start_matches("http://")
                    .trim_end_matches('/'),
            )
            .args(["--query", query])
            .output()
            .expect("the temporal CLI runs");
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8_lossy(&output.stdout).to_string()
    };
    let waiting_list = cli(&scoped("OffloadStatus = 'INPUT_NEEDED'"));
    assert!(
        waiting_list.contains(&waiting) && !waiting_list.contains(&failed),
        "{waiting_list}"
    );
    let failures = cli(&scoped(
        "OffloadStatus = 'FAILED' AND OffloadResultStatus = 'max_retries'",
    ));
    assert!(
        failures.contains(&failed) && !failures.contains(&waiting),
        "{failures}"
    );

    // A readable summary and current details.
    assert_eq!(
        record.static_summary(),
        Some("Get the signed W-9 form for Northstar Supplies. → Maya Chen")
    );
    let metadata = app
        .client
        .get_workflow_handle::<offload_workflows::CaseWorkflow>(waiting.clone())
        .query(
            temporalio_client::UntypedQuery::<offload_workflows::workflow::CaseRun>::new(
                "__temporal_workflow_metadata",
            ),
            temporalio_common::data_converters::RawValue::empty(),
            Default::default(),
        )
        .await
        .unwrap();
    // The SDK answers it as proto-JSON.
    let metadata: serde_json::Value = serde_json::from_slice(&metadata.payloads[0].data).unwrap();
    let current_details = metadata["currentDetails"].as_str().unwrap_or_default();
    assert!(
        current_details.starts_with("**INPUT_NEEDED** · 1 message(s) sent · nothing scheduled")
            && current_details.contains("Waiting for input: Maya Chen asked: \"Which year?\""),
        "{metadata}"
    );
}
