-- Schema version 4: indexes that let reports aggregate without reading the wide steps rows.

-- Every column a usage report sums or filters on, in the order the summary groups by: GROUP BY
-- model, provider, stop_reason streams through it without sorting, and per-period totals seek
-- (model, provider, stop_reason, started_at) ranges. About 85 bytes a step against ~600 in steps.
CREATE INDEX steps_usage ON steps(
    model, provider, stop_reason, started_at, duplicate_of,
    claude_uncached_input_tokens, newly_append_tokens, cache_creation_5m_tokens, cache_creation_1h_tokens,
    prefix_tokens, output_tokens, reasoning_output_tokens);

-- The few steps a long-context tier can apply to: more than 200,000 tokens of some type, or of
-- input in all (Pricing/README.md). Reports/StepAggregation.cs repeats this WHERE clause word for
-- word so SQLite picks this index.
CREATE INDEX steps_above_tier ON steps(
    model, provider, stop_reason, started_at, duplicate_of, input_tokens_total,
    claude_uncached_input_tokens, newly_append_tokens, cache_creation_5m_tokens, cache_creation_1h_tokens,
    prefix_tokens, output_tokens, reasoning_output_tokens)
WHERE input_tokens_total > 200000 OR prefix_tokens > 200000 OR newly_append_tokens > 200000
   OR claude_uncached_input_tokens > 200000 OR cache_creation_5m_tokens > 200000 OR cache_creation_1h_tokens > 200000
   OR output_tokens > 200000 OR reasoning_output_tokens > 200000;
