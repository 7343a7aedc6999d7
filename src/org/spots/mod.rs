//! Named public spots of an estate (东门、地下车库、中心花园…): the places residents name when something
//! outside a home is broken. Staff of the project keep the list (`/org/{project}/spots`); the report form
//! offers the active ones, and a report that names one carries its name and coordinates.

pub mod actions;
pub mod model;
pub mod pages;
pub mod store;

pub use store::{Spot, active_of, spot};
