module acgan

go 1.26.0

require (
	github.com/alecthomas/kong v1.17.0
	golang.org/x/term v0.48.0
	gonum.org/v1/gonum v0.17.0
)

require golang.org/x/sys v0.50.0 // indirect
