package policies

import (
	"bytes"
	"io"
	"strings"
	"testing"
)

// TestFindingsNeverPrintKeyMaterial: a rule message quoting a value of the judged object
// (here an image whose tag is token-shaped) is written redacted in every format.
func TestFindingsNeverPrintKeyMaterial(t *testing.T) {
	token := "gh" + "p_" + strings.Repeat("A1b2C3d4E5", 4)
	deployment := strings.Replace(badDeployment, "image: nginx", "image: evil.example.com/x:"+token, 1)
	objs := mustParse(t, "out/render.yaml", deployment)
	raw, err := testEngine(t).Check(t.Context(), objs, Params{Namespace: "floe-dev", ServiceAccount: "runner", Registry: "registry.example.com/dp", TagPolicy: "git-sha"})
	if err != nil {
		t.Fatal(err)
	}
	quoted := false
	for _, f := range raw {
		quoted = quoted || strings.Contains(f.Message, token)
	}
	if !quoted {
		t.Fatalf("no finding quotes the image; the test does not exercise redaction: %+v", raw)
	}
	r := Gate{Level: "strict"}.Apply(raw, testEngine(t).Rules())
	for format, write := range map[string]func(io.Writer, Report) error{"text": WriteText, "json": WriteJSON, "sarif": WriteSARIF} {
		var out bytes.Buffer
		if err := write(&out, r); err != nil {
			t.Fatal(err)
		}
		if strings.Contains(out.String(), token) {
			t.Errorf("%s output prints the token:\n%s", format, out.String())
		}
		if !strings.Contains(out.String(), "<redacted>") {
			t.Errorf("%s output has no redaction mark:\n%s", format, out.String())
		}
	}
}
