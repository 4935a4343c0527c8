package redact

import (
	"strings"
	"testing"
)

func TestSensitive(t *testing.T) {
	refused := []string{
		"token", "Token", "reset_token", "resetToken", "access-token", "tokens", "secret", "client_secret",
		"code", "sms_code", "smsCode", "smscode", "recovery_codes", "password", "newPassword", "passphrase",
		"key", "link_key", "apiKey", "apikey", "body", "body_html", "subject", "subject_line", "Subject",
		"text", "html", "content", "plaintext", "totp", "HTMLBody",
	}
	for _, k := range refused {
		if !Sensitive(k) {
			t.Errorf("key %q allowed, want refused", k)
		}
	}
	allowed := []string{
		"message_id", "account_id", "tenant_id", "token_id", "subject_id", "code_ids", "id", "ids",
		"attempt", "region", "site", "older_than", "MessageID", "blobIDs", "kind",
	}
	for _, k := range allowed {
		if Sensitive(k) {
			t.Errorf("key %q refused, want allowed", k)
		}
	}
}

func TestSplitWords(t *testing.T) {
	for in, want := range map[string]string{
		"resetToken":   "reset token",
		"HTMLBody":     "html body",
		"message_id":   "message id",
		"MessageID":    "message id",
		"blobIDs":      "blob ids",
		"IDsOfBlobs":   "ids of blobs",
		"a-b.c d":      "a b c d",
		"sms2Code":     "sms2 code",
		"already_ok":   "already ok",
		"":             "",
		"X":            "x",
		"userAPIToken": "user api token",
	} {
		if got := strings.Join(splitWords(in), " "); got != want {
			t.Errorf("splitWords(%q) = %q, want %q", in, got, want)
		}
	}
}
