"""The Compare tab and the experiments that fill it."""
