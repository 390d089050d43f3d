-- Two databases on one server: the SCD (Shared Customer Database, the BAL's) and graph-node's index. They are
-- separate so that the index can be dropped and rebuilt from the chain without touching certified readings.
CREATE DATABASE scd;
CREATE DATABASE graph_node LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0;
