package main

import (
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/octoacme/kb/internal/suggest"
)

// The command tree, built anew for each run (tests run kb concurrently).
// cobra parses the flags (--flag, --flag=value, -s, flags after the
// arguments, "--"), prints help, and writes the completion scripts; kb
// keeps its own error messages and exit statuses: every usage error,
// cobra's too, is status 2 with what to do.

const rootLong = `kb builds a customer-support help center from a folder of Markdown.

Start with "kb init" in an empty folder, write pages with "kb new", check
them with "kb lint", preview with "kb serve" and publish with "kb build".`

// Command groups, in the order kb help lists them.
var groups = []*cobra.Group{
	{ID: "start", Title: "Start a site:"},
	{ID: "write", Title: "Write, check and publish:"},
	{ID: "release", Title: "Releases:"},
	{ID: "more", Title: "More:"},
}

// kb help lists the commands in the order a newcomer meets them.
func init() { cobra.EnableCommandSorting = false }

func newRoot(stdout, stderr io.Writer) *cobra.Command {
	root := &cobra.Command{
		Use:   "kb",
		Short: "build a customer-support help center",
		Long:  rootLong,
		// kb prints its own errors (exitCode) and never the usage after one.
		SilenceErrors: true,
		SilenceUsage:  true,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) > 0 {
				return unknownCommand(cmd, args[0])
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			// kb alone: the usage, on stderr, with the status of a usage error.
			fmt.Fprint(stderr, cmd.UsageString())
			return silentExit(exitUsage)
		},
		Version: currentVersion().String(),
	}
	root.SetVersionTemplate("{{.Version}}\n")
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.SetFlagErrorFunc(flagError)
	root.AddGroup(groups...)
	root.SetCompletionCommandGroupID("more")
	help := helpCommand()
	help.GroupID = "more"
	root.SetHelpCommand(help)
	root.Flags().BoolP("version", "v", false, "print kb's version (as kb version does)")
	for _, c := range []struct {
		group string
		cmd   *cobra.Command
	}{
		{"start", initCmd()},
		{"start", importCmd()},
		{"start", themeCmd()},
		{"write", newCmd()},
		{"write", serveCmd()},
		{"write", lintCmd()},
		{"write", buildCmd()},
		{"write", searchCmd()},
		{"release", readyCmd()},
		{"release", briefCmd()},
		{"release", announceCmd()},
		{"more", reportCmd()},
		{"more", versionCmd()},
	} {
		c.cmd.GroupID = c.group
		root.AddCommand(c.cmd)
	}
	root.InitDefaultCompletionCmd()
	for _, c := range root.Commands() {
		if c.Name() == "completion" {
			c.Short = "write a shell completion script (bash, zsh, fish, powershell)"
			c.Args = func(cmd *cobra.Command, args []string) error {
				if len(args) == 0 {
					return usageError("completion: want a shell: bash, zsh, fish or powershell, like: kb completion bash")
				}
				return unknownCommand(cmd, args[0])
			}
			c.RunE = func(cmd *cobra.Command, args []string) error { return nil }
			for _, sub := range c.Commands() {
				sub.Args = exactArgs(0, "")
			}
		}
	}
	return root
}

// helpCommand is kb help [command]: cobra's, but an unknown topic is a
// usage error with a suggestion rather than the usage and status 0.
func helpCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "help [command]",
		Short: "show the help of kb or of a command",
		Long:  `Show the help of kb, or of a command: kb help lint is kb lint --help.`,
		ValidArgsFunction: func(cmd *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
			var names []string
			if len(args) == 0 {
				for _, c := range cmd.Root().Commands() {
					if c.IsAvailableCommand() {
						names = append(names, c.Name()+"\t"+c.Short)
					}
				}
			}
			return names, cobra.ShellCompDirectiveNoFileComp
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			target, rest, err := cmd.Root().Find(args)
			if err != nil {
				return err
			}
			if len(rest) > 0 {
				return unknownCommand(target, rest[0])
			}
			return target.Help()
		},
	}
}

// unknownCommand is the error for a command name kb does not have, with
// the nearest one.
func unknownCommand(parent *cobra.Command, name string) error {
	var names []string
	for _, c := range parent.Commands() {
		if c.IsAvailableCommand() || c.Name() == "help" {
			names = append(names, c.Name())
		}
	}
	path := parent.CommandPath()
	msg := fmt.Sprintf("unknown command %q", name)
	if s := suggest.Closest(name, names); s != "" {
		msg += fmt.Sprintf("; did you mean %q?", path+" "+s)
	}
	return usageError("%s (run \"%s help\" for the list)", msg, path)
}

// flagError turns pflag's parse errors into usage errors that say what to
// do: the nearest flag for a misspelt one, the kind of value a flag wants.
func flagError(cmd *cobra.Command, err error) error {
	help := fmt.Sprintf("run \"%s --help\"", cmd.CommandPath())
	var ne *pflag.NotExistError
	var ve *pflag.ValueRequiredError
	var ie *pflag.InvalidValueError
	switch {
	case errors.As(err, &ne):
		name := ne.GetSpecifiedName()
		if ne.GetSpecifiedShortnames() != "" {
			return usageError("%s: unknown flag -%s in -%s (%s)", cmd.Name(), name[:1], ne.GetSpecifiedShortnames(), help)
		}
		msg := fmt.Sprintf("%s: unknown flag --%s", cmd.Name(), name)
		if s := closestFlag(cmd, name); s != "" {
			msg += fmt.Sprintf("; did you mean --%s?", s)
		}
		return usageError("%s (%s)", msg, help)
	case errors.As(err, &ve):
		return usageError("%s: --%s needs a value (%s)", cmd.Name(), ve.GetFlag().Name, help)
	case errors.As(err, &ie):
		f := ie.GetFlag()
		want, _ := pflag.UnquoteUsage(f)
		switch f.Value.Type() {
		case "int":
			want = "a whole number"
		case "bool":
			want = "true or false"
		}
		return usageError("%s: --%s %q: want %s (%s)", cmd.Name(), f.Name, ie.GetValue(), want, help)
	}
	return usageError("%s: %v (%s)", cmd.Name(), err, help)
}

// closestFlag is the flag of cmd nearest to a misspelt name.
func closestFlag(cmd *cobra.Command, name string) string {
	var names []string
	add := func(f *pflag.Flag) {
		if !f.Hidden {
			names = append(names, f.Name)
		}
	}
	cmd.LocalFlags().VisitAll(add)
	cmd.InheritedFlags().VisitAll(add)
	return suggest.Closest(name, names)
}

// longFlag is a flag written with one dash, as kb's flags were before
// they moved to cobra: -drafts, -out=x.
var longFlag = regexp.MustCompile(`^-([a-z][a-z0-9-]+)(=.*)?$`)

// normalizeArgs rewrites -name to --name for the long flags of the command
// args name, so that scripts written for kb's earlier flags keep working.
// Nothing after "--" changes.
func normalizeArgs(root *cobra.Command, args []string) []string {
	cmd, _, err := root.Find(args)
	if err != nil || cmd == nil {
		return args
	}
	out := append([]string(nil), args...)
	for i, a := range out {
		if a == "--" {
			break
		}
		m := longFlag.FindStringSubmatch(a)
		if m == nil {
			continue
		}
		if cmd.Flags().Lookup(m[1]) != nil || cmd.InheritedFlags().Lookup(m[1]) != nil || m[1] == "help" {
			out[i] = "-" + a
		}
	}
	return out
}

// siteFlag adds --source (-s), the site folder.
func siteFlag(cmd *cobra.Command) *string {
	return cmd.Flags().StringP("source", "s", ".", "site `folder` (holding site.yaml and content/)")
}

// exactArgs wants n arguments; want says which, for the message.
func exactArgs(n int, want string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) == n {
			return nil
		}
		if n == 0 {
			return usageError("%s takes no arguments, got %q (run \"%s --help\")", cmd.Name(), args[0], cmd.CommandPath())
		}
		return usageError("%s: %s", cmd.Name(), want)
	}
}

// formatFlag adds --format with its values, which shell completion offers.
func formatFlag(cmd *cobra.Command, def, usage string, values ...string) *string {
	p := cmd.Flags().String("format", def, usage)
	_ = cmd.RegisterFlagCompletionFunc("format", cobra.FixedCompletions(values, cobra.ShellCompDirectiveNoFileComp))
	return p
}

// checkFormat refuses a --format value the command does not write.
func checkFormat(cmd *cobra.Command, format string, values []string) error {
	for _, v := range values {
		if v == format {
			return nil
		}
	}
	return usageError("%s: unknown --format %q (want %s)", cmd.Name(), format, orList(values))
}

// orList writes a, b or c.
func orList(values []string) string {
	switch len(values) {
	case 0:
		return ""
	case 1:
		return values[0]
	}
	return strings.Join(values[:len(values)-1], ", ") + " or " + values[len(values)-1]
}

// productFlag adds --product.
func productFlag(cmd *cobra.Command, usage string) *string {
	return cmd.Flags().String("product", "", usage)
}
