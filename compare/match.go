package compare

// taskKey identifies a task within a run by its path ("file:line") and
// name, and n, the number of tasks before it in the run with the same path
// and name (a file included twice, a role applied in two plays).
type taskKey struct {
	path, name string
	n          int
}

// looseKey identifies a task by its file and name, and n, the number of
// tasks before it in the run with the same file and name: it still finds
// a task whose line moved.
type looseKey struct {
	file, name string
	n          int
}

// match pairs the tasks of run b with those of baseline a, by the
// package's matching rule. It returns, for each task of b, the index of
// its task in a or -1, whether each task of a was paired, and how many
// pairs were made by file and name alone.
func match(a, b *Table) (pairs []int, paired []bool, moved int) {
	pairs = make([]int, len(b.tasks))
	paired = make([]bool, len(a.tasks))
	exact := make(map[taskKey]int, len(a.tasks))
	for i, t := range a.tasks {
		exact[t.key] = i
	}
	// First the tasks whose path and name are the same.
	for j, t := range b.tasks {
		pairs[j] = -1
		if i, ok := exact[t.key]; ok {
			pairs[j] = i
			paired[i] = true
		}
	}
	// Then, of those left, the nth task of a file and name in b with the
	// nth such task of a, in the order they ran.
	left := make(map[looseKey][]int)
	for i, t := range a.tasks {
		if !paired[i] {
			k := looseKey{file: t.loose.file, name: t.loose.name}
			left[k] = append(left[k], i)
		}
	}
	for j, t := range b.tasks {
		if pairs[j] >= 0 {
			continue
		}
		k := looseKey{file: t.loose.file, name: t.loose.name}
		if queue := left[k]; len(queue) > 0 {
			pairs[j] = queue[0]
			paired[queue[0]] = true
			left[k] = queue[1:]
			moved++
		}
	}
	return pairs, paired, moved
}

// finder finds, for one task of a run that is still going, its task in
// the baseline: the task with the same key, else the one with the same
// loose key. Unlike match it cannot know which of the baseline's tasks a
// later task of the run will claim; see the package's matching rule.
type finder struct {
	exact map[taskKey]int
	loose map[looseKey]int
}

func newFinder(a *Table) *finder {
	f := &finder{exact: make(map[taskKey]int, len(a.tasks)), loose: make(map[looseKey]int, len(a.tasks))}
	for i, t := range a.tasks {
		f.exact[t.key] = i
		f.loose[t.loose] = i
	}
	return f
}

// find returns the index of t's task in the baseline, or -1.
func (f *finder) find(t *tableTask) int {
	if i, ok := f.exact[t.key]; ok {
		return i
	}
	if i, ok := f.loose[t.loose]; ok {
		return i
	}
	return -1
}
