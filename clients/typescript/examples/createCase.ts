// Create a case, read it, answer its input request: the Offload API through the typed client.
//
//   export OFFLOAD_URL=http://127.0.0.1:8080 OFFLOAD_API_KEY=ofk_…
//   npm run build
//   node dist/examples/createCase.js                      # create a case, print its id
//   node dist/examples/createCase.js CASE_ID              # read it (status, pending question)
//   node dist/examples/createCase.js CASE_ID "2025"       # answer its pending input request
import { createOffloadClient, type Schemas } from "../src/index.js";

const apiKey = process.env.OFFLOAD_API_KEY;
if (!apiKey) throw new Error("set OFFLOAD_API_KEY (and OFFLOAD_URL)");
const api = createOffloadClient(process.env.OFFLOAD_URL ?? "http://127.0.0.1:8080", apiKey);
const [caseId, answer] = process.argv.slice(2);

if (!caseId) {
  const body: Schemas["CreateCaseBody"] = {
    channel: "EMAIL",
    goal: { objective: "Get the signed W-9 form for Northstar Supplies." },
    counterparty: { address: "ap@northstar.example", name: "Maya Chen" },
    senderPersona: { name: "Avery", role: "Accounts Payable", company: "Acme" },
    resultSchema: {
      type: "object",
      properties: { w9Received: { type: "boolean" }, taxYear: { type: "string" } },
      required: ["w9Received"],
    },
  };
  const { data, error } = await api.POST("/cases", { body });
  if (error) throw new Error(`${error.error.code}: ${error.error.message}`);
  console.log(data.data.caseId);
} else {
  const { data, error } = await api.GET("/cases/{id}", { params: { path: { id: caseId } } });
  if (error) throw new Error(`${error.error.code}: ${error.error.message}`);
  const view = data.data;
  const request = view.inputRequest;
  console.log(view.status, view.resultStatus ?? "", request?.status === "PENDING" ? request.question : "");
  if (answer !== undefined) {
    if (request?.status !== "PENDING") throw new Error(`${caseId} is not waiting for input`);
    const answered = await api.POST("/cases/{id}/input", {
      params: { path: { id: caseId } },
      body: { inputRequestId: request.id, providedContext: answer },
    });
    if (answered.error) throw new Error(`${answered.error.error.code}: ${answered.error.error.message}`);
    console.log(`answered ${answered.data.data.inputRequestId}`);
  }
}
