package tuning

import (
	"os"
	"testing"
)

var loggers = []string{"TF_LOG_SDK", "TF_LOG_PROVIDER", "TF_LOG_SDK_FRAMEWORK", "TF_LOG_SDK_PROTO", "TF_LOG_SDK_MUX"}

func TestQuietUnlessAskedSilencesEverySubsystem(t *testing.T) {
	for _, name := range append([]string{"TF_LOG"}, loggers...) {
		t.Setenv(name, "")
	}
	quietUnlessAsked()
	for _, name := range loggers {
		if got := os.Getenv(name); got != "off" {
			t.Errorf("%s = %q, want off", name, got)
		}
	}
}

func TestQuietUnlessAskedKeepsRequestedLogs(t *testing.T) {
	for _, name := range loggers {
		t.Setenv(name, "")
	}
	t.Setenv("TF_LOG", "TRACE")
	quietUnlessAsked()
	for _, name := range loggers {
		if got := os.Getenv(name); got != "" {
			t.Errorf("%s = %q with TF_LOG set, want it left unset", name, got)
		}
	}
}
