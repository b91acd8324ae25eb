"""chaxin: the client warehouse of a sci-tech novelty-search station."""
