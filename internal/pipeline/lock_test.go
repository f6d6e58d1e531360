package pipeline

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A second run on the same output folder refuses while the first holds it,
// and a lock file made a symlink is refused, not followed.
func TestLockOutRefusesASecondRunAndALinkedLock(t *testing.T) {
	out := filepath.Join(t.TempDir(), "out")
	unlock, err := LockOut(out)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := LockOut(out); err == nil || !strings.Contains(err.Error(), "another brief run") {
		t.Errorf("second lock: %v, want it refused", err)
	}
	unlock()
	again, err := LockOut(out)
	if err != nil {
		t.Fatalf("after unlock: %v", err)
	}
	again()

	linked := filepath.Join(t.TempDir(), "linked")
	victim := filepath.Join(t.TempDir(), "victim")
	if err := os.MkdirAll(filepath.Join(linked, ".brief"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(victim, filepath.Join(linked, ".brief", "lock")); err != nil {
		t.Fatal(err)
	}
	if _, err := LockOut(linked); err == nil || !strings.Contains(err.Error(), "will not follow") {
		t.Errorf("symlinked lock: %v, want it refused", err)
	}
	if _, err := os.Stat(victim); !os.IsNotExist(err) {
		t.Errorf("the link's target was created: %v", err)
	}
}
