"""Statistics queries (统计): indicators, ticket-level records (明细), window time, complaints."""
