"""Dagster orchestration of chaxin: assets, partitions, jobs, schedule, sensor and checks."""
