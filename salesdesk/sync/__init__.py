"""Offline work: replicas for laptops, the change log, bundles and their merge."""
