// Projects, the councils' decisions on them and the organisations' seats on the councils (issue 14).
CREATE CONSTRAINT project_id IF NOT EXISTS FOR (p:Project) REQUIRE p.id IS UNIQUE;
CREATE CONSTRAINT council_decision_id IF NOT EXISTS FOR (d:CouncilDecision) REQUIRE d.id IS UNIQUE;
CREATE CONSTRAINT council_seat_id IF NOT EXISTS FOR ()-[s:SITS_ON]-() REQUIRE s.id IS UNIQUE;
// Projects are listed by fund and status, and funding is summed per fund.
CREATE INDEX project_fund IF NOT EXISTS FOR (p:Project) ON (p.fund);
CREATE INDEX project_status IF NOT EXISTS FOR (p:Project) ON (p.status);
