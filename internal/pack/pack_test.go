package pack

import (
	"reflect"
	"testing"
)

func TestGreedyFillsEachRunToTheBudget(t *testing.T) {
	size := func(n int) int { return n }
	for _, c := range []struct {
		items        []int
		budget, maxN int
		want         [][]int
	}{
		{[]int{3, 3, 3, 3}, 7, 0, [][]int{{3, 3}, {3, 3}}},
		// exactly the budget fits
		{[]int{4, 3, 7}, 7, 0, [][]int{{4, 3}, {7}}},
		// an item over the budget alone gets a run of its own, in order
		{[]int{2, 20, 2}, 7, 0, [][]int{{2}, {20}, {2}}},
		// the count limit cuts before the budget does
		{[]int{1, 1, 1, 1, 1}, 100, 2, [][]int{{1, 1}, {1, 1}, {1}}},
		{nil, 7, 0, nil},
	} {
		if got := Greedy(c.items, c.budget, c.maxN, size); !reflect.DeepEqual(got, c.want) {
			t.Errorf("Greedy(%v, budget %d, max %d) = %v, want %v", c.items, c.budget, c.maxN, got, c.want)
		}
	}
}
