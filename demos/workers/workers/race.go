//go:build race

package workers

// raceEnabled: this binary was built with -race. The lost-update race then
// runs only in a child process, where the race detector's report is
// caught and counted instead of failing the tests.
const raceEnabled = true
