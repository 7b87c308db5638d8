package main

import (
	"bufio"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"vms/app/apptest"
	"vms/modules/webhook/domain"
)

// readmeBlock returns the fenced block that follows the marker line in the README.
func readmeBlock(t *testing.T, readme, marker string) string {
	t.Helper()
	i := strings.Index(readme, "<!-- "+marker+" -->\n")
	if i < 0 {
		t.Fatalf("README has no %q marker", marker)
	}
	rest := readme[i+len("<!-- "+marker+" -->\n"):]
	start := strings.Index(rest, "\n")
	end := strings.Index(rest[start+1:], "\n```")
	if !strings.HasPrefix(rest, "```") || start < 0 || end < 0 {
		t.Fatalf("no fenced block after the %q marker", marker)
	}
	return rest[start+1 : start+1+end+1]
}

// TestREADMEWebhookSnippets checks the README's webhook test vector against the server's
// signer, and its verification snippets: the Go one is the very function the tests'
// receivers verify every delivery with, and the JavaScript one, run by Node.js, accepts
// the vector and refuses a changed body.
func TestREADMEWebhookSnippets(t *testing.T) {
	raw, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	readme := string(raw)
	vector := map[string]string{}
	sc := bufio.NewScanner(strings.NewReader(readmeBlock(t, readme, "webhook-vector")))
	for sc.Scan() {
		k, v, _ := strings.Cut(sc.Text(), " ")
		vector[k] = strings.TrimSpace(v)
	}
	ts, err := strconv.ParseInt(vector["webhook-timestamp"], 10, 64)
	if err != nil {
		t.Fatalf("vector %v", vector)
	}
	sig, err := domain.Sign(vector["secret"], vector["webhook-id"], ts, []byte(vector["body"]))
	if err != nil || sig != vector["webhook-signature"] {
		t.Fatalf("the server signs the vector %q (%v), the README says %q", sig, err, vector["webhook-signature"])
	}

	goSnippet := readmeBlock(t, readme, "webhook-verify-go")
	src, err := os.ReadFile("apptest/webhookverify.go")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(src), goSnippet) {
		t.Fatalf("the README's Go snippet differs from app/apptest/webhookverify.go:\n%s", goSnippet)
	}
	header := http.Header{}
	header.Set("webhook-id", vector["webhook-id"])
	header.Set("webhook-timestamp", vector["webhook-timestamp"])
	header.Set("webhook-signature", vector["webhook-signature"])
	if err := apptest.VerifyWebhook(vector["secret"], header, []byte(vector["body"]), time.Unix(ts+60, 0)); err != nil {
		t.Fatalf("the Go snippet refuses the vector: %v", err)
	}
	if err := apptest.VerifyWebhook(vector["secret"], header, []byte(vector["body"]+" "), time.Unix(ts, 0)); err == nil {
		t.Fatal("the Go snippet accepts a changed body")
	}
	if err := apptest.VerifyWebhook(vector["secret"], header, []byte(vector["body"]), time.Unix(ts+600, 0)); err == nil {
		t.Fatal("the Go snippet accepts a timestamp 10 minutes old")
	}

	node, err := exec.LookPath("node")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("node is not on PATH: the JavaScript snippet cannot be checked")
		}
		t.Skip("node is not on PATH: the JavaScript snippet is not checked")
	}
	script := readmeBlock(t, readme, "webhook-verify-js") + `
const v = JSON.parse(process.env.VECTOR);
const headers = {"webhook-id": v["webhook-id"], "webhook-timestamp": v["webhook-timestamp"], "webhook-signature": v["webhook-signature"]};
const ts = Number(v["webhook-timestamp"]);
verifyWebhook(v.secret, headers, Buffer.from(v.body), ts + 60);
verifyWebhook(v.secret, headers, v.body, ts);
for (const [body, now] of [[v.body + " ", ts], [v.body, ts + 600]]) {
  let refused = false;
  try { verifyWebhook(v.secret, headers, body, now); } catch (e) { refused = true; }
  if (!refused) throw new Error("accepted " + JSON.stringify([body, now]));
}
console.log("ok");
`
	cmd := exec.Command(node, "-e", script)
	vec := `{"secret":` + strconv.Quote(vector["secret"]) + `,"webhook-id":` + strconv.Quote(vector["webhook-id"]) +
		`,"webhook-timestamp":` + strconv.Quote(vector["webhook-timestamp"]) + `,"webhook-signature":` + strconv.Quote(vector["webhook-signature"]) +
		`,"body":` + strconv.Quote(vector["body"]) + `}`
	cmd.Env = append(os.Environ(), "VECTOR="+vec)
	out, err := cmd.CombinedOutput()
	if err != nil || strings.TrimSpace(string(out)) != "ok" {
		t.Fatalf("the JavaScript snippet on the vector: %v\n%s", err, out)
	}
}
