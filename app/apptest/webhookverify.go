package apptest

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// The function below is the README's Go verification snippet, character for character
// (TestREADMEWebhookSnippets checks it): the tests' receivers verify every delivery with
// exactly what the documentation tells integrators to run.

// VerifyWebhook checks a vms webhook request per Standard Webhooks: the timestamp is
// within 5 minutes of now and a v1 signature matches the HMAC-SHA256 of
// "<webhook-id>.<webhook-timestamp>.<body>" keyed with the secret's base64 part.
func VerifyWebhook(secret string, header http.Header, body []byte, now time.Time) error {
	id, ts := header.Get("webhook-id"), header.Get("webhook-timestamp")
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil || math.Abs(float64(now.Unix()-sec)) > 300 {
		return errors.New("webhook-timestamp is missing or more than 5 minutes off")
	}
	key, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(secret, "whsec_"))
	if err != nil {
		return fmt.Errorf("bad secret: %w", err)
	}
	mac := hmac.New(sha256.New, key)
	fmt.Fprintf(mac, "%s.%s.", id, ts)
	mac.Write(body)
	want := "v1," + base64.StdEncoding.EncodeToString(mac.Sum(nil))
	for _, sig := range strings.Fields(header.Get("webhook-signature")) {
		if hmac.Equal([]byte(sig), []byte(want)) {
			return nil
		}
	}
	return errors.New("no webhook-signature matches")
}
