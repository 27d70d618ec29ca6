package carp

import "math/rand"

// crossoverOX is the ordered crossover of two giant tours: a random cyclic slice of the
// first parent is kept in place and the remaining tasks are filled in the order in which
// they follow the slice in the second parent. It keeps runs of consecutive tasks (the
// material of good trips) from both parents; Split re-cuts the child into trips.
func crossoverOX(rng *rand.Rand, a, b, child []int32, seen []bool) []int32 {
	n := len(a)
	child = child[:0]
	if n == 0 {
		return child
	}
	child = append(child, make([]int32, n)...)
	for i := range seen[:n] {
		seen[i] = false
	}
	start := rng.Intn(n)
	end := rng.Intn(n)
	for end == start && n > 1 {
		end = rng.Intn(n)
	}
	j := start
	for {
		child[j] = a[j]
		seen[a[j]] = true
		if j == end {
			break
		}
		j = (j + 1) % n
	}
	w := (end + 1) % n
	for k := 1; k <= n; k++ {
		t := b[(end+k)%n]
		if seen[t] {
			continue
		}
		child[w] = t
		seen[t] = true
		w = (w + 1) % n
	}
	return child
}
