// Shared rate-limit windows (graph/rate_windows.py): one node per key and minute; the MERGE on its
// id is what makes two instances claiming budget for the same key at once see each other's claim.
CREATE CONSTRAINT rate_window_id IF NOT EXISTS FOR (w:RateWindow) REQUIRE w.id IS UNIQUE;
// Past windows are found by their minute, without scanning all windows.
CREATE RANGE INDEX rate_window_minute IF NOT EXISTS FOR (w:RateWindow) ON (w.minute);
