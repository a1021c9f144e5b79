package app_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestSystemdUnit: the unit shipped in deploy/ keeps its sandboxing, runs
// peerpath serve from its state directory, and passes systemd-analyze
// verify (where systemd is installed) without a warning, such as a
// misspelt option systemd would silently ignore.
func TestSystemdUnit(t *testing.T) {
	raw, err := os.ReadFile("../../deploy/peerpath.service")
	if err != nil {
		t.Fatal(err)
	}
	unit := string(raw)
	for _, want := range []string{
		"User=peerpath", "StateDirectory=peerpath", "StateDirectoryMode=0700", "UMask=0077",
		"ExecStart=/usr/local/bin/peerpath serve\n",
		"Environment=PEERPATH_DB=/var/lib/peerpath/peerpath.db", "Environment=PEERPATH_DATA_DIR=/var/lib/peerpath",
		"ProtectSystem=strict", "ReadWritePaths=/var/lib/peerpath", "ProtectHome=yes", "PrivateTmp=yes", "NoNewPrivileges=yes",
		"CapabilityBoundingSet=CAP_NET_BIND_SERVICE\n", "AmbientCapabilities=CAP_NET_BIND_SERVICE\n",
		"RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX\n", "SystemCallFilter=@system-service\n",
		"PrivateDevices=yes", "RestrictNamespaces=yes", "MemoryDenyWriteExecute=yes", "SystemCallArchitectures=native",
	} {
		if !strings.Contains(unit, want) {
			t.Errorf("deploy/peerpath.service lacks %q", want)
		}
	}
	analyze, err := exec.LookPath("systemd-analyze")
	if err != nil {
		t.Skip("systemd-analyze is not installed")
	}
	// verify wants ExecStart to exist: this test's own binary stands in.
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "peerpath.service")
	if err := os.WriteFile(path, []byte(strings.ReplaceAll(unit, "/usr/local/bin/peerpath", self)), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(analyze, "verify", path).CombinedOutput()
	if err != nil || len(strings.TrimSpace(string(out))) > 0 {
		t.Fatalf("systemd-analyze verify: %v\n%s", err, out)
	}
}
