-- The coverage report of one assignment as of a date, by hand: the baseline of `benchmarks/coverage.py`.
--
-- Written for an assignment whose audience is the whole subtree of one unit (the benchmark
-- picks one: one rule, sub-units included, every staff category, no named people), so the
-- audience on D is simply "every membership open on D under that unit". Parameters
-- (psycopg named style): as_of (date), assignment (id), course (id), root_pattern (the
-- root's materialized path followed by '%').
--
-- One row per unit of the subtree, in tree order: code, name, parent code, then the
-- figures of the unit with its sub-units — staff (audience minus exempt), informed (not
-- exempt, a completion on or before D), exempt, percent (2 places, half up; 100 when
-- nobody is due).
--
-- Each variant below is one statement; the benchmark times them all and takes the fastest
-- as the baseline. Notes from EXPLAIN ANALYZE on 100,000 staff / 2,000 units:
-- - the people's own units are counted in one pass over the open memberships (a hash
--   aggregate by unit_id, parallel seq scan), the tree filter applied to the 2,000 groups
--   rather than to 90,000 rows;
-- - the roll-up joins each unit's counts to its ancestors' paths: left(path, 4 × level)
--   for each level present in the tree. The levels come from `SELECT DISTINCT depth`
--   (estimated at a handful of rows) rather than generate_series (estimated at 1,000 a
--   unit): with the latter the plan's cost passes jit_above_cost and JIT compilation
--   alone takes longer than the query;
-- - a correlated EXISTS per membership for exempt/informed also crosses the JIT
--   threshold and is ~7× slower; it is not kept.

-- variant: hash joins to the sets of exempt and of informed people
WITH exempt AS (
    SELECT DISTINCT staff_id
    FROM reports_exemption
    WHERE assignment_id = %(assignment)s AND valid_from <= %(as_of)s AND valid_to >= %(as_of)s
), completed AS (
    SELECT DISTINCT staff_id
    FROM courses_completion
    WHERE course_id = %(course)s AND completed_on <= %(as_of)s
), own AS (
    SELECT m.unit_id,
           count(*) AS people,
           count(x.staff_id) AS exempt,
           count(c.staff_id) FILTER (WHERE x.staff_id IS NULL) AS informed
    FROM orgchart_membership m
    LEFT JOIN exempt x ON x.staff_id = m.staff_id
    LEFT JOIN completed c ON c.staff_id = m.staff_id
    WHERE m.valid_from <= %(as_of)s AND (m.valid_to IS NULL OR m.valid_to >= %(as_of)s)
    GROUP BY m.unit_id
), rolled AS (
    SELECT left(u.path, 4 * level.depth) AS path,
           sum(own.people) AS people, sum(own.exempt) AS exempt, sum(own.informed) AS informed
    FROM own
    JOIN orgchart_unit u ON u.id = own.unit_id
    JOIN (SELECT DISTINCT depth FROM orgchart_unit) level ON level.depth <= u.depth
    WHERE u.path LIKE %(root_pattern)s
    GROUP BY 1
), figures AS (
    SELECT r.path, (r.people - r.exempt)::int AS staff, r.informed::int AS informed, r.exempt::int AS exempt
    FROM rolled r
)
SELECT u.code, u.name, p.code AS parent,
       coalesce(f.staff, 0) AS staff, coalesce(f.informed, 0) AS informed, coalesce(f.exempt, 0) AS exempt,
       CASE WHEN coalesce(f.staff, 0) = 0 THEN 100.00 ELSE round(f.informed * 100.0 / f.staff, 2) END AS percent
FROM orgchart_unit u
LEFT JOIN orgchart_unit p ON p.path = left(u.path, -4)
LEFT JOIN figures f ON f.path = u.path
WHERE u.path LIKE %(root_pattern)s
ORDER BY u.path;

-- variant: hashed IN sets inside the aggregate's FILTER (the shape of the ORM's query)
WITH own AS (
    SELECT m.unit_id,
           count(*) AS people,
           count(*) FILTER (WHERE m.staff_id IN (
               SELECT staff_id FROM reports_exemption
               WHERE assignment_id = %(assignment)s AND valid_from <= %(as_of)s AND valid_to >= %(as_of)s
           )) AS exempt,
           count(*) FILTER (WHERE m.staff_id IN (
               SELECT staff_id FROM courses_completion WHERE course_id = %(course)s AND completed_on <= %(as_of)s
           ) AND m.staff_id NOT IN (
               SELECT staff_id FROM reports_exemption
               WHERE assignment_id = %(assignment)s AND valid_from <= %(as_of)s AND valid_to >= %(as_of)s
           )) AS informed
    FROM orgchart_membership m
    WHERE m.valid_from <= %(as_of)s AND (m.valid_to IS NULL OR m.valid_to >= %(as_of)s)
    GROUP BY m.unit_id
), rolled AS (
    SELECT left(u.path, 4 * level.depth) AS path,
           sum(own.people) AS people, sum(own.exempt) AS exempt, sum(own.informed) AS informed
    FROM own
    JOIN orgchart_unit u ON u.id = own.unit_id
    JOIN (SELECT DISTINCT depth FROM orgchart_unit) level ON level.depth <= u.depth
    WHERE u.path LIKE %(root_pattern)s
    GROUP BY 1
), figures AS (
    SELECT r.path, (r.people - r.exempt)::int AS staff, r.informed::int AS informed, r.exempt::int AS exempt
    FROM rolled r
)
SELECT u.code, u.name, p.code AS parent,
       coalesce(f.staff, 0) AS staff, coalesce(f.informed, 0) AS informed, coalesce(f.exempt, 0) AS exempt,
       CASE WHEN coalesce(f.staff, 0) = 0 THEN 100.00 ELSE round(f.informed * 100.0 / f.staff, 2) END AS percent
FROM orgchart_unit u
LEFT JOIN orgchart_unit p ON p.path = left(u.path, -4)
LEFT JOIN figures f ON f.path = u.path
WHERE u.path LIKE %(root_pattern)s
ORDER BY u.path;
