// Placeholder: the store implementation lands here.
