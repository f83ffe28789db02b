package plan

// ErrorKind classifies a planning failure. It is the "kind" of an error
// response (docs/abi.md): the shim reports KindInternal as a bug in
// nix-gograph, KindForbidden and KindSandbox as Nix's own policy errors
// (EvalErrors, which builtins.tryEval does not catch), KindInterrupted as
// Nix's interruption, and every other kind as a problem with the user's code
// or arguments (a ThrownError, catchable by builtins.tryEval).
type ErrorKind string

const (
	// KindBadArgument: an argument of builtins.goPackageGraph is missing,
	// malformed or contradicts another; Error.Argument names it.
	KindBadArgument ErrorKind = "bad-argument"
	// KindNoModule: src holds no readable go.mod with a module directive;
	// in a workspace, its go.work does not parse or uses no module, or a
	// used directory has no such go.mod.
	KindNoModule ErrorKind = "no-module"
	// KindGoSum: src's go.sum (in a workspace, any of SumFiles) cannot be
	// read or parsed, or two of them pin one module version differently.
	KindGoSum ErrorKind = "go-sum"
	// KindModule: a third-party module cannot be fetched, or does not match
	// go.sum, or is unsafe to extract; Error.Package is module@version.
	KindModule ErrorKind = "module"
	// KindPackage: a package cannot be planned as it is: go list reports
	// an error in it (a syntax error, a bad import, …) that no more
	// specific kind describes, or a file name nix-gograph cannot plan.
	KindPackage ErrorKind = "package"
	// KindPackageNotFound: a pattern or an import names no package.
	KindPackageNotFound ErrorKind = "package-not-found"
	// KindImportCycle: packages import each other; the message has the
	// import stack.
	KindImportCycle ErrorKind = "import-cycle"
	// KindNeedsCgo: a package requested needs cgo, which is off.
	KindNeedsCgo ErrorKind = "needs-cgo"
	// KindGoList: `go list` itself failed.
	KindGoList ErrorKind = "go-list"
	// KindGoBuild: `go build -n` or `go test -c -n` failed, or printed a
	// script that cannot be planned exactly.
	KindGoBuild ErrorKind = "go-build"
	// KindOutsideSrc: a file planning needs (go.mod, go.sum, a package's
	// file or directory, an embedded file) leaves src, e.g. through a
	// symlink, or is a symlink where a regular file is needed; the message
	// names it.
	KindOutsideSrc ErrorKind = "outside-src"
	// KindForbidden: Nix's evaluation policy forbids what planning needs
	// (a proxy URL not in allowed-uris under restrict-eval, a download
	// with --offline); the message names the setting.
	KindForbidden ErrorKind = "forbidden"
	// KindSandbox: the planning sandbox cannot be made (no user
	// namespaces) or a program could not be started in it.
	KindSandbox ErrorKind = "sandbox"
	// KindInterrupted: Nix was interrupted (Ctrl-C) while planning; the
	// shim rethrows Nix's own interruption.
	KindInterrupted ErrorKind = "interrupted"
	// KindInternal: anything else, including a malformed request and a
	// recovered panic: a bug in nix-gograph rather than in the user's code.
	KindInternal ErrorKind = "internal"
)

// ErrorKinds are every ErrorKind, in the order docs/abi.md lists them.
var ErrorKinds = []ErrorKind{
	KindBadArgument, KindNoModule, KindGoSum, KindModule, KindPackage, KindPackageNotFound,
	KindImportCycle, KindNeedsCgo, KindGoList, KindGoBuild, KindOutsideSrc, KindForbidden, KindSandbox,
	KindInterrupted, KindInternal,
}
