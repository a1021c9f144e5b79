// Package learning holds what peerpath uses to help people learn the language
// of peer support: the glossary of terms and acronyms (shipped as data, with
// room for an organisation's own entries), forgiving answer matching, the
// Jeopardy-style review game trainers run in CPS classes, a spaced-repetition
// scheduler (FSRS-5) for flashcards, and a multiple-choice practice quiz.
//
// Everything here is pure: no database, no HTTP, no clock of its own. Callers
// pass the time and the random source in, so games and schedules are
// deterministic in tests and can be stored as JSON by the server.
//
// Definitions and clues in glossary.json are written for this project in its
// own words; facts and names come from the Massachusetts Peer Professional
// Workforce Development Guidelines (2014) and the Transformation Center's
// review game. The people supported are always called "person".
package learning
