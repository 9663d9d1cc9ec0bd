package browsertest

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"
)

// ValidateHTML runs the Nu HTML Checker (vnu.jar: $VNU_JAR, else the copy
// .ci/run installs) on one page and reports its errors, naming the page
// what. Without the checker or Java the check is skipped with a log line,
// unless KB_CI is set (CI installs both), then the test fails.
func ValidateHTML(t testing.TB, what, page string) {
	t.Helper()
	jar := os.Getenv("VNU_JAR")
	if jar == "" {
		_, here, _, _ := runtime.Caller(0)
		jar = filepath.Join(filepath.Dir(here), "..", "..", ".ci", "tools", "node_modules", "vnu-jar", "build", "dist", "vnu.jar")
	}
	_, jarErr := os.Stat(jar)
	_, javaErr := exec.LookPath("java")
	if jarErr != nil || javaErr != nil {
		if os.Getenv("KB_CI") != "" {
			t.Fatalf("KB_CI is set but the Nu HTML Checker cannot run: %v %v", jarErr, javaErr)
		}
		t.Log("the Nu HTML Checker is not installed; HTML validation skipped")
		return
	}
	file := filepath.Join(t.TempDir(), "page.html")
	if err := os.WriteFile(file, []byte(page), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("java", "-jar", jar, "--errors-only", file).CombinedOutput(); err != nil {
		t.Errorf("the Nu HTML Checker finds errors in %s:\n%s", what, out)
	}
}
