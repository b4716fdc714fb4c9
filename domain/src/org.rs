//! The organisation model's vocabulary: ward types and the acute core services.

use serde::{Deserialize, Serialize};

/// The kinds of ward a checklist template can be aimed at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum WardType {
    AdultInpatient,
    OlderPeople,
    Surgical,
    CriticalCare,
    EmergencyDepartment,
    Maternity,
    Paediatric,
    DayCase,
    Outpatients,
    Imaging,
    Hospice,
}

impl WardType {
    /// Every ward type, in the order forms list them.
    pub const ALL: [WardType; 11] = [
        WardType::AdultInpatient,
        WardType::OlderPeople,
        WardType::Surgical,
        WardType::CriticalCare,
        WardType::EmergencyDepartment,
        WardType::Maternity,
        WardType::Paediatric,
        WardType::DayCase,
        WardType::Outpatients,
        WardType::Imaging,
        WardType::Hospice,
    ];

    /// The stable code stored and sent over the API.
    pub fn as_str(self) -> &'static str {
        match self {
            WardType::AdultInpatient => "adult_inpatient",
            WardType::OlderPeople => "older_people",
            WardType::Surgical => "surgical",
            WardType::CriticalCare => "critical_care",
            WardType::EmergencyDepartment => "emergency_department",
            WardType::Maternity => "maternity",
            WardType::Paediatric => "paediatric",
            WardType::DayCase => "day_case",
            WardType::Outpatients => "outpatients",
            WardType::Imaging => "imaging",
            WardType::Hospice => "hospice",
        }
    }

    /// Parses the stable code.
    pub fn parse(code: &str) -> Option<WardType> {
        WardType::ALL.into_iter().find(|w| w.as_str() == code)
    }

    /// Plain-English name for screens.
    pub fn label(self) -> &'static str {
        match self {
            WardType::AdultInpatient => "Adult inpatient ward",
            WardType::OlderPeople => "Older people's ward",
            WardType::Surgical => "Surgical ward",
            WardType::CriticalCare => "Critical care unit",
            WardType::EmergencyDepartment => "Emergency department",
            WardType::Maternity => "Maternity unit",
            WardType::Paediatric => "Children's ward",
            WardType::DayCase => "Day case unit",
            WardType::Outpatients => "Outpatients",
            WardType::Imaging => "Diagnostic imaging",
            WardType::Hospice => "End of life care unit",
        }
    }
}

/// The core services CQC inspects in an NHS acute trust, used to seed a new site.
pub const ACUTE_CORE_SERVICES: [&str; 8] = [
    "Urgent and emergency care",
    "Medical care (including older people's care)",
    "Surgery",
    "Critical care",
    "Maternity",
    "Services for children and young people",
    "End of life care",
    "Outpatients and diagnostic imaging",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ward_type_codes_round_trip() {
        for w in WardType::ALL {
            assert_eq!(WardType::parse(w.as_str()), Some(w));
        }
        assert_eq!(WardType::parse("kitchen"), None);
    }
}
