"""Qt-free state models the views render: the Explorer, its selection and map, comparisons, training."""
