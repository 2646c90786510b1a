package compare

// CutBeforeStats is cutBeforeStats for the tests of package compare_test.
var CutBeforeStats = cutBeforeStats

// RunScenario is runScenario for the tests of package compare_test.
var RunScenario = runScenario

// NeedAnsible is needAnsible for the tests of package compare_test.
var NeedAnsible = needAnsible
