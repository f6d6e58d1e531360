package cli

import (
	"fmt"
	"runtime"
	"runtime/debug"
	"strings"

	"github.com/spf13/cobra"

	"github.com/brief-news/brief/internal/iostreams"
)

// Version is set at build time with -ldflags "-X .../internal/cli.Version=v1.2.3";
// without it the module version and VCS revision come from the build info.
var Version = "dev"

// versionString says which brief this is: the release (from -ldflags or
// `go install ...@v1.2.3`), else the commit it was built from, so a bug
// report names the exact code.
func versionString() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return Version
	}
	return describeBuild(Version, info)
}

func describeBuild(version string, info *debug.BuildInfo) string {
	if version == "dev" && info.Main.Version != "" && info.Main.Version != "(devel)" {
		version = info.Main.Version
	}
	vcs := map[string]string{}
	for _, s := range info.Settings {
		vcs[s.Key] = s.Value
	}
	var facts []string
	if rev := vcs["vcs.revision"]; rev != "" {
		rev = rev[:min(len(rev), 12)]
		if vcs["vcs.modified"] == "true" {
			rev += " with local changes"
		}
		facts = append(facts, "commit "+rev)
	}
	if when := vcs["vcs.time"]; when != "" {
		facts = append(facts, when)
	}
	facts = append(facts, info.GoVersion)
	return fmt.Sprintf("%s (%s)", version, strings.Join(facts, ", "))
}

func newVersionCmd(io *iostreams.IOStreams) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print brief's version, the commit it was built from and the Go version",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			fmt.Fprintf(io.Out, "brief %s %s/%s\n", versionString(), runtime.GOOS, runtime.GOARCH)
			return nil
		},
	}
}
